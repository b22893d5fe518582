"""Failures of changes not merged yet, which the fuzz run (scripts/fuzz.sh) accepts only while they
still happen — as the hand-written tests accept theirs with ``xfail(strict=True)``.

A run that no longer meets one of them fails, naming it: its fix is in, remove it from here (and
the matching ``xfail`` in tests/fuzz/test_hostile_input.py). Anything not listed is a failure.
"""

from __future__ import annotations

KNOWN_FAILURES: dict[str, str] = {}


def known_failure(*, status: int, nul_in_text_path: bool = False, deep_json: bool = False) -> str:
    """The name of the known failure a response is, or "" for none."""
    if status < 500:
        return ""
    if nul_in_text_path and "nul-in-text-path" in KNOWN_FAILURES:
        return "nul-in-text-path"
    if deep_json and "deep-json" in KNOWN_FAILURES:
        return "deep-json"
    return ""

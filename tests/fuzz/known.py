"""Failures of changes not merged yet, which the fuzz run (scripts/fuzz.sh) accepts only while they
still happen — as the hand-written tests accept theirs with ``xfail(strict=True)``.

A run that no longer meets one of them fails, naming it: its fix is in, remove it from here (and
the matching ``xfail`` in tests/fuzz/test_hostile_input.py). Anything not listed is a failure.
"""

from __future__ import annotations

KNOWN_FAILURES = {
    "nul-in-text-path": (
        "a NUL in a text path segment (/freelancers/{username}/…) reaches PostgreSQL, a 500 until "
        "the request guard refuses it with a 400"
    ),
    "deep-json": (
        "JSON nested 5 000 levels deep overflows the JSON parser (RecursionError, a 500) until the "
        "request guard's parser refuses it with a 400"
    ),
}


def known_failure(*, status: int, nul_in_text_path: bool = False, deep_json: bool = False) -> str:
    """The name of the known failure a response is, or "" for none."""
    if status < 500:
        return ""
    if nul_in_text_path and "nul-in-text-path" in KNOWN_FAILURES:
        return "nul-in-text-path"
    if deep_json and "deep-json" in KNOWN_FAILURES:
        return "deep-json"
    return ""

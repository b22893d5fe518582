"""Phone numbers: Indonesian mobiles and landlines, however they are spaced, bracketed,
spelled out or mixed (``marketplace.contact_filter`` lists the disguises).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import NamedTuple

# A phone number is found on digit tokens rather than with one regex, so that spelled digits,
# "O" for zero and every separator style are handled once. Steps:
#   1. Split the text into letter and digit tokens. Tokens that touch form a chunk: "O812" and
#      "2O26" are digits ("O" touching a digit is a zero), "nol" is a spelled digit, "1080p",
#      "2x", "1920x1080" are measures and break a run, "Rp150" is a word then the digits 150.
#   2. A run is a sequence of digit chunks separated by at most three of ``_RUN_GAP``.
#   3. In a run, take the longest stretch of at most 14 digits that reads as a phone number
#      (``_MOBILE``, ``_LANDLINE``, or >= 10 digits when any of it was spelled out). What keeps
#      prices, dates and times out:
#      - a stretch starts and ends only where the run does or at a gap with a space or a comma,
#        so "Rp 2.050.000.000" is never cut into "050.000.000";
#      - a two-digit group joined by a dot or dash ("08.30-17.30", "08-12-2026") is a time or a
#        date, never part of a number ("+62" is the one two-digit group allowed);
#      - "/" and ":" are not separators, so "17/08/2026" and "21:30" are never runs.
# Each token is looked at a bounded number of times (at most 14 digits per stretch, and a
# stretch is abandoned as soon as its first digits cannot start a number), so this is linear.

_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+")
_RUN_GAP = re.compile(r"[ \t\-.,()_]{0,3}")
# Indonesian (with colloquial "kosong" and "lapan") and English digit words, 0 to 9.
_DIGIT_WORDS = {
    word: str(digit)
    for digit, words in enumerate(
        [
            "nol kosong zero",
            "satu one",
            "dua two",
            "tiga three",
            "empat four",
            "lima five",
            "enam six",
            "tujuh seven",
            "delapan lapan eight",
            "sembilan nine",
        ]
    )
    for word in words.split()
}
_ZEROS = re.compile(r"[oO]{1,3}")
_MOBILE = re.compile(r"(?:0|62)8[1-9][0-9]{6,10}")  # 9-13 digits from 0, 10-14 from 62
_LANDLINE = re.compile(r"(?:0|62)[2-7][0-9]{7,9}")  # area code 2-3 digits + 5-8 digits
_PREFIXES = ("08", "628", *(f"{p}{d}" for p in ("0", "62") for d in "234567"))
# The first one to three digits of anything that may still become a number: a set lookup per
# digit group instead of a loop over the prefixes (the crafted "0 0 0 0 …" is all groups).
_STARTS = frozenset(
    start
    for length in (1, 2, 3)
    for start in ("".join(d) for d in itertools.product("0123456789", repeat=length))
    if any(start[: len(p)] == p[: len(start)] for p in _PREFIXES)
)
_MAX_DIGITS = 14


class _Digits(NamedTuple):
    value: str  # the digits this chunk stands for
    start: int
    end: int
    spelled: bool  # a digit word such as "delapan"
    gap: str  # the text between this chunk and the previous one of its run ("" for the first)


def _chunks(text: str) -> Iterator[_Digits | None]:
    """Digit chunks in order, with None for anything that breaks a run."""
    tokens = list(_TOKEN.finditer(text))
    i = 0
    while i < len(tokens):
        j = i + 1
        while j < len(tokens) and tokens[j].start() == tokens[j - 1].end():
            j += 1
        parts = tokens[i:j]
        i = j
        if len(parts) == 1 and parts[0].group().lower() in _DIGIT_WORDS:
            part = parts[0]
            yield _Digits(_DIGIT_WORDS[part.group().lower()], *part.span(), True, "")
            continue
        first_digit = next((n for n, p in enumerate(parts) if p.group().isdigit()), None)
        if first_digit is None:
            yield None  # a word
            continue
        # Leading letters ("Rp150", "hp0812") are a word before the digits; an "O" stays with
        # the digits it touches.
        k = first_digit
        while k > 0 and _ZEROS.fullmatch(parts[k - 1].group()):
            k -= 1
        if k:
            yield None
        rest = parts[k:]
        if all(p.group().isdigit() or _ZEROS.fullmatch(p.group()) for p in rest):
            value = "".join(
                p.group() if p.group().isdigit() else "0" * len(p.group()) for p in rest
            )
            yield _Digits(value, rest[0].start(), rest[-1].end(), False, "")
        else:
            yield None  # a measure such as "1080p" or "1920x1080"


def _runs(text: str) -> Iterator[list[_Digits]]:
    run: list[_Digits] = []
    for chunk in _chunks(text):
        if chunk is not None and run:
            gap = text[run[-1].end : chunk.start]
            if _RUN_GAP.fullmatch(gap):
                run.append(chunk._replace(gap=gap))
                continue
        if run:
            yield run
        run = [chunk] if chunk is not None else []
    if run:
        yield run


def _is_boundary(gap: str) -> bool:
    return " " in gap or "," in gap or "\t" in gap


def _joins(prev: _Digits, nxt: _Digits, prev_is_first: bool) -> bool:
    """False where a two-digit group is glued by punctuation: a time or a date, not a phone."""
    if not nxt.gap.strip(" \t"):
        return True
    prev_pair = len(prev.value) == 2 and not prev.spelled
    if prev_pair and prev_is_first and prev.value == "62":
        prev_pair = False
    return not prev_pair and not (len(nxt.value) == 2 and not nxt.spelled)


def _is_phone(digits: str, spelled: bool) -> bool:
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return True
    return spelled and len(digits) >= 10


def _phone_spans(text: str, run: list[_Digits]) -> Iterator[tuple[int, int]]:
    i = 0
    while i < len(run):
        if i and not _is_boundary(run[i].gap):
            i += 1
            continue
        best, digits, spelled = None, "", False
        for j in range(i, len(run)):
            if j > i and not _joins(run[j - 1], run[j], j - 1 == i):
                break
            digits += run[j].value
            spelled = spelled or run[j].spelled
            if len(digits) > _MAX_DIGITS:
                break
            if not spelled and digits[:3] not in _STARTS:
                break  # these first digits can never start a number
            ends_here = j + 1 == len(run) or _is_boundary(run[j + 1].gap)
            if ends_here and _is_phone(digits, spelled):
                best = j
        if best is None:
            i += 1
            continue
        start, end = run[i].start, run[best].end
        # Take a leading "+" ("+62") and an opening bracket closed inside the number.
        if start and text[start - 1] == "+":
            start -= 1
        if start and text[start - 1] == "(" and ")" in text[start:end]:
            start -= 1
        if start and text[start - 1] == "+":  # "+(62) …"
            start -= 1
        yield start, end
        i = best + 1


class _PhonePattern:
    """``PHONE.search`` and ``PHONE.finditer`` as on a compiled regex, for code that lists what
    each pattern matched (the moderators' admin). ``find_contacts`` is the API."""

    _whole = re.compile(r".+", re.DOTALL)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        for run in _runs(text):
            for start, end in _phone_spans(text, run):
                match = self._whole.fullmatch(text, start, end)
                if match:
                    yield match

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)


PHONE = _PhonePattern()

"""Folding text before the contact filter matches it, with a map back to the original.

People hide contact details from a filter with characters that look the same to a reader but
not to a regular expression: full-width digits and ``＠`` (``０８１２``), digits split by
zero-width spaces, Arabic-Indic or Devanagari digits (``٠٨١٢``), Cyrillic letters that look
Latin (``wа.me`` with a Cyrillic ``а``), an ideographic full stop in a domain (``t。me``).

``fold`` turns each character into what a reader takes it for, one character at a time:

- format characters (zero-width space and joiners, soft hyphen, BOM, bidi marks), combining marks
  and control characters other than tab and line breaks are dropped;
- every decimal digit of any script becomes its ASCII digit;
- dashes become ``-``, spaces of any width a plain space, dot-like marks ``.``;
- everything else goes through NFKC (full-width forms, ``①``, ``𝟎``, ``﹫``) and a short table of
  Cyrillic and Greek letters drawn like Latin ones.

Folding is per character, so each folded character knows the original character it came from:
the filter matches the folded text and masks the *original* spans. The reader's text is never
rewritten (a masked message keeps its own script, accents and full-width letters); only the
contact details go. Matching the folded text rather than the NFKC of the whole string loses
nothing: the only compositions NFKC would make across characters are of combining marks, which
are dropped for matching anyway.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Cyrillic and Greek letters that readers take for Latin ones in names, domains and handles.
_CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁһӏԛԝɡАВЕКМНОРСТХІЈЅԌαονρτυιΑΒΕΗΙΚΜΝΟΡΤΧΥΖ",
    "aeopcyxijsdhlqwgABEKMHOPCTXIJSGaovptuiABEHIKMNOPTXYZ",
)
# Marks that read as a dot between letters or digits ("t。me", "0812·3456·7890").
_DOTS = frozenset("。｡·•‧・∙⋅")
_KEEP_CONTROLS = frozenset("\t\n\r")
_ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@functools.lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    category = unicodedata.category(char)
    if category in ("Cf", "Mn", "Me"):
        return ""
    if category == "Cc":
        return char if char in _KEEP_CONTROLS else ""
    if category == "Nd":
        return str(unicodedata.decimal(char))
    if category == "Pd":
        return "-"
    if category == "Zs":
        return " "
    if category in ("Zl", "Zp"):
        return "\n"
    if char in _DOTS:
        return "."
    folded = unicodedata.normalize("NFKC", char).translate(_CONFUSABLES)
    # NFKC can yield digits of another script or marks of its own ("ﾞ"): fold those too.
    if len(folded) == 1 and folded == char:
        return folded
    return "".join(_fold_char(part) if part != char else part for part in folded)


def fold(text: str) -> tuple[str, list[int] | None]:
    """``text`` as the filter matches it, and for each folded character the index of the
    original character it came from; ``None`` when nothing changed (all plain ASCII)."""
    if text.isascii() and not _ASCII_CONTROLS.search(text):
        return text, None  # nearly every text: nothing to fold
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        if folded:
            pieces.append(folded)
            origin.extend([index] * len(folded))
    folded_text = "".join(pieces)
    if folded_text == text:
        return text, None
    return folded_text, origin


def original_span(origin: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """The span of the original text that the folded span ``[start, end)`` came from."""
    if origin is None:
        return start, end
    return origin[start], origin[end - 1] + 1

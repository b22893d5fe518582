"""Finds off-platform contact details in gig, bid and contract text, and masks them.

Until a contract is funded, talking or paying outside Garap loses the buyer's and the
freelancer's protection, so contact details are masked in what the other party sees and gig
moderation is told which kinds were found. Prices, dates, times, sizes and counts must never be
hits: a false alarm hides a price from a buyer.

Kinds of hit (``CONTACT_KINDS``):

- ``email``: an address, also disguised: ``budi [at] gmail [dot] com``, ``budi(at)gmail.com``,
  ``budi at gmail dot com``, ``budi @ gmail . com``. A disguised one must end in a known
  top-level domain, so ordinary prose with "at" and a dot is left alone.
- ``phone``: an Indonesian mobile (08…, 628…, +62 8…) or landline (021…, (0274) …) number with
  spaces, dots, dashes or brackets, a digit per space, ``O`` for zero, or spelled out in
  Indonesian or English words (``nol delapan satu …``, ``kosong delapan …``, ``zero eight …``),
  or mixed. How a run of digits qualifies is explained in the phone-number section below.
- ``link``: a link to a messaging app or to a social network with direct messages (wa.me,
  t.me, line.me, instagram.com/…). A portfolio site (dribbble, behance, github) is not a
  channel and is not a hit.
- ``social_handle``: an @handle, or ``id``/``username`` and a name, next to a messaging or
  social word in the same clause: ``ig: @budi``, ``tele @budi``, ``id line: budi123``.
- ``messaging_app``: a messaging app named as the way to talk: ``hubungi via WhatsApp``,
  ``chat wa aja``, ``WA saya``, ``Telegram:``, ``w.a``, ``id line``.
- ``off_platform``: a plain invitation to leave: ``chat di luar aplikasi``, ``transfer
  langsung ke rekening saya``.

Rules for the ambiguous cases:

- A bare @mention is not a hit (``desain untuk @toko_sari``): people name shops and brands that
  way. It is a hit in the same clause as a messaging or social word (``feed IG @toko_sari``
  is one too: it is still a way to reach someone outside Garap).
- The name of an app alone is not a hit; in gigs it is a product more often than a channel
  (``desain katalog WhatsApp Business``, ``konten Instagram``). It is a hit after a contact
  word (hubungi, chat, kontak, japri, nomor, message me, …), before a first person or "aja"
  (``WA saya``, ``WhatsApp me``, ``wa aja``), or as a label (``WA:``, ``Telegram:``). A product
  word straight after the name (Business, API, bot, feed, …) turns the contact-word rule off.
- The word "email" (or "WhatsApp") without an address or number is not a hit.
- A handle after a bare colon (``ig: budi_desain``) needs a digit, "_" or "." in it, so that
  ``IG: feed dan story`` in a brief is not one; ``ig: @budi`` and ``id ig budi`` need nothing.
- Small spelled numbers (``dua revisi``, ``tiga hari``) are not hits: a spelled run must add up
  to a phone number.
- Overlapping hits, and a channel label directly followed by its value (``WA: 0812…``), become
  one hit with the most specific kind: link, email, phone, social_handle, messaging_app,
  off_platform. ``contact_kinds`` reports the kinds of these merged hits.

``EMAIL``, ``PHONE``, ``MESSAGING`` and ``PROHIBITED`` stay importable with ``search`` and
``finditer`` for the moderators' admin, which lists what each matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

# Sorted, so that contact_kinds() lists them in this order.
CONTACT_KINDS: tuple[str, ...] = (
    "email",
    "link",
    "messaging_app",
    "off_platform",
    "phone",
    "social_handle",
)
# Plain and language-neutral: the other party may read English or Indonesian. It contains no
# letters or digits, so masked text never yields a new hit.
MASK = "[•••]"

PROHIBITED = re.compile(
    r"\b(judi|slot gacor|slot online|togel|pinjol|joki (skripsi|tesis|tugas|ujian)|akun palsu"
    r"|fake review|ulasan palsu|beli followers?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Hit:
    kind: str  # one of CONTACT_KINDS
    start: int  # span in the text given to find_contacts
    end: int


# --- e-mail ---------------------------------------------------------------------------------
# Every quantifier is bounded, and the local part may only start where a run of address
# characters starts (the look-behind), so a long run without an "@" is read once, not once per
# position: that is what keeps these linear.
EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,4}\.[a-z]{2,24}(?![\w-])",
    re.IGNORECASE,
)
_AT = (
    r"(?:[ \t]{0,3}(?:@|[\[({<][ \t]{0,2}(?:at|@)[ \t]{0,2}[\])}>])[ \t]{0,3}"
    r"|[ \t]{1,3}at[ \t]{1,3})"
)
# A bare "." has spaces on both sides or none: a space after it only is a sentence ending
# ("I'm at home. Me too"), not a disguised dot.
_DOT = (
    r"(?:\.|[ \t]{1,3}\.[ \t]{1,3}|[ \t]{0,3}[\[({<][ \t]{0,2}(?:dot|titik|\.)[ \t]{0,2}[\])}>]"
    r"[ \t]{0,3}|[ \t]{1,3}(?:dot|titik)[ \t]{1,3})"
)
# Disguised addresses only count with a top-level domain people actually use, which keeps
# prose such as "ketemu at kantor dot nanti" out.
_TLD = r"(?:com|net|org|info|biz|io|me|co|id|sg|my|au|uk|us|xyz|online|site|store)"
EMAIL_DISGUISED = re.compile(
    rf"(?<![\w.+-])[\w.+-]{{1,64}}{_AT}[a-z0-9-]{{1,63}}(?:{_DOT}[a-z0-9-]{{1,63}}){{0,3}}"
    rf"{_DOT}{_TLD}(?![\w-])",
    re.IGNORECASE,
)

# --- links ----------------------------------------------------------------------------------
_CHANNEL_SITES = (
    r"wa\.me|wa\.link|(?:api|chat|web)\.whatsapp\.com|whatsapp\.com|t\.me|telegram\.(?:me|dog)"
    r"|line\.me|lin\.ee|m\.me|messenger\.com|(?:m\.)?instagram\.com|instagr\.am"
    r"|(?:m\.)?facebook\.com|fb\.com|fb\.me|(?:vm\.|vt\.)?tiktok\.com|twitter\.com|x\.com"
    r"|discord\.gg|discord\.com|signal\.me"
)
# Only with a path: "instagram.com" alone names a site, "instagram.com/budi" is a person.
LINK = re.compile(
    rf"(?<![\w.-])(?:https?://)?(?:www\.)?(?:{_CHANNEL_SITES})/[^\s<>\"'()\[\]]{{1,200}}",
    re.IGNORECASE,
)
_LINK_TAIL = ".,;:!?"  # sentence punctuation after a link is not part of it

# --- messaging apps and handles ---------------------------------------------------------------
_WA = r"whats[ \t]?app|whatsap|watsap|wasap|wa"
# Words that name a channel; "line", "tele", "tg" and "signal" are also ordinary words ("line
# art", "lensa tele"), so they only count right before a handle or with "id".
_LOOSE_APPS = rf"{_WA}|w\.a|telegram|ig|insta(?:gram)?|fb|facebook|tiktok|twitter|dm|discord"
_TIGHT_APPS = r"line|tele|tg|signal"
_ALL_APPS = rf"{_LOOSE_APPS}|{_TIGHT_APPS}"
_AT_HANDLE = r"(?<![\w@.])@[a-z0-9_](?:[a-z0-9_]|\.(?=[a-z0-9_])){1,29}"
# After "id line" a particle or pronoun is talk, not a name: "minta id line dong".
_NAME = (
    r"(?!(?:dong|ya|aja|saja|nya|kak|gan|sis|bro|kamu|saya|aku|apa|berapa)\b)"
    r"[a-z](?:[a-z0-9_]|\.(?=[a-z0-9_])){2,29}"
)
_ID_LABEL = r"id|user[ \t]?name|uname|user[ \t]id"

HANDLE = re.compile(
    # "ig: @budi", "DM instagram @budi", "telegram saya @budi": app word, same clause, @handle
    rf"\b(?:(?:{_LOOSE_APPS})\b[^.!?;,\n@]{{0,40}}?|(?:{_TIGHT_APPS})\b[ \t:=-]{{0,3}}){_AT_HANDLE}"
    # "@budi (IG)", "@budi di instagram"
    rf"|{_AT_HANDLE}[^.!?;,\n@]{{0,15}}?\b(?:{_LOOSE_APPS})\b"
    # "id line: budi123", "line id budidesain", "username ig budi"
    rf"|\b(?:(?:{_ID_LABEL})[ \t]{{1,3}}(?:{_ALL_APPS})|(?:{_ALL_APPS})[ \t]{{1,3}}(?:{_ID_LABEL}))"
    rf"\b[ \t]{{0,3}}[:=]?[ \t]{{0,3}}@?{_NAME}"
    # "ig: budi_desain": a bare colon needs a name that cannot be an ordinary word
    rf"|\b(?:{_ALL_APPS})[ \t]{{0,2}}[:=][ \t]{{0,3}}[a-z][a-z0-9]{{0,29}}"
    rf"(?:[0-9_]|\.(?=[a-z0-9]))[a-z0-9_]{{0,29}}",
    re.IGNORECASE,
)

# English verbs that also describe features ("add Instagram", "text WhatsApp users") only
# count with "me"/"us".
_CONTACT_WORD = (
    r"hubungi|hub|kontak|contact|chat|ngechat|japri|call|telp|telpon|telepon|sms|pm|inbox|dm"
    r"|nomor|nomer|nmr|no\.?|(?:message|msg|text|add|reach|ping)[ \t]{1,3}(?:me|us)"
)
_FILLER = (
    r"saya|aku|sy|gw|gue|kami|kita|me|us|ya|aja|saja|langsung|di|ke|lewat|via|melalui|by|on"
    r"|at|over|through|pake|pakai|dengan|dgn|hp|nomor|no"
)
_CHANNELS = rf"{_WA}|telegram|ig|insta(?:gram)?|fb|facebook|tiktok|twitter|messenger|discord"
_PRODUCT = (
    r"business|api|bot|blast|gateway|web|desktop|sticker|stiker|story|status|feed|reels?|ads"
    r"|iklan|shop|katalog|catalog|template|notifikasi|notification|otomatis|automation"
    r"|integrasi|integration|marketing|konten|content|post"
)
# The hit is the channel word only ("hubungi saya di [•••]"): the verb says nothing by itself.
MESSAGING = re.compile(
    rf"\b(?:{_CONTACT_WORD})(?:[ \t]{{1,3}}(?:{_FILLER})){{0,2}}[ \t]{{1,3}}(?P<app>{_CHANNELS})\b"
    rf"(?![ \t]{{1,3}}(?:{_PRODUCT})\b)"
    rf"|\b(?P<label>{_WA}|telegram)(?=[ \t]{{0,2}}[:=]|[ \t-]{{0,2}}"
    rf"(?:saya|aku|ku|sy|gw|gue|aq|me|aja|saja|dong)\b)"
    # Spellings nobody uses for the product: a dotted "w.a", and "id line".
    r"|\bw\.[ \t]?a\b\.?|\bid[ \t]{1,3}line\b|\bline[ \t]{1,3}id\b",
    re.IGNORECASE,
)

_OWN = r"saya|aku|sy|gw|gue|kami|pribadi"
_ACCOUNT = rf"(?:no(?:mor)?\.?[ \t]{{0,2}})?(?:rek(?:ening)?|norek)(?:[ \t]{{1,3}}(?:{_OWN}))?"
OFF_PLATFORM = re.compile(
    r"\bdi[ \t]{1,3}luar[ \t]{1,3}(?:aplikasi|app|platform|garap|sistem|situs|website|web)\b"
    rf"|\b(?:transfer|tf|bayar)[ \t]{{1,3}}langsung[ \t]{{1,3}}(?:ke|via|lewat)\b"
    rf"(?:[ \t]{{1,3}}{_ACCOUNT})?"
    rf"|\b(?:transfer|tf|bayar)[ \t]{{1,3}}(?:ke[ \t]{{1,3}})?(?:no(?:mor)?\.?[ \t]{{0,2}})?"
    rf"(?:rek(?:ening)?|norek)[ \t]{{1,3}}(?:{_OWN})\b"
    r"|\boutside[ \t]{1,3}(?:of[ \t]{1,3})?(?:the[ \t]{1,3})?(?:app|platform|garap)\b"
    r"|\boff[- ]platform\b|\bpay[ \t]{1,3}(?:me[ \t]{1,3})?directly\b",
    re.IGNORECASE,
)


def _regex_hits(text: str) -> Iterator[Hit]:
    for match in EMAIL.finditer(text):
        yield Hit("email", *match.span())
    for match in EMAIL_DISGUISED.finditer(text):
        yield Hit("email", *match.span())
    for match in LINK.finditer(text):
        yield Hit("link", match.start(), len(match.group().rstrip(_LINK_TAIL)) + match.start())
    for match in HANDLE.finditer(text):
        yield Hit("social_handle", *match.span())
    for match in MESSAGING.finditer(text):
        group = "app" if match.group("app") else "label" if match.group("label") else 0
        yield Hit("messaging_app", *match.span(group))
    for match in OFF_PLATFORM.finditer(text):
        yield Hit("off_platform", *match.span())


# --- phone numbers ----------------------------------------------------------------------------
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
            if not spelled and not any(digits[: len(p)] == p[: len(digits)] for p in _PREFIXES):
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


# --- putting it together ------------------------------------------------------------------------
# When hits overlap, the merged one takes the most specific kind: a wa.me link holds a phone
# number, a "telegram: @budi" handle holds a messaging word.
_PRIORITY = ("link", "email", "phone", "social_handle", "messaging_app", "off_platform")
_LABEL_GAP = re.compile(r"[ \t:=-]{0,3}")  # between a label ("WA") and its value ("0812…")


def find_contacts(text: str) -> list[Hit]:
    """Contact details in ``text``: sorted by start, never overlapping."""
    hits = [*_regex_hits(text), *(Hit("phone", *m.span()) for m in PHONE.finditer(text))]
    hits.sort(key=lambda h: (h.start, -h.end))
    merged: list[Hit] = []
    for hit in hits:
        if merged:
            last = merged[-1]
            is_label = last.kind == "messaging_app" and _LABEL_GAP.fullmatch(
                text, last.end, hit.start
            )
            if hit.start <= last.end or is_label:
                kind = min(last.kind, hit.kind, key=_PRIORITY.index)
                merged[-1] = Hit(kind, last.start, max(last.end, hit.end))
                continue
        merged.append(hit)
    return merged


def mask_contacts(text: str) -> str:
    """``text`` with each contact detail replaced by ``MASK``; everything else is kept."""
    pieces, pos = [], 0
    for hit in find_contacts(text):
        pieces += [text[pos : hit.start], MASK]
        pos = hit.end
    pieces.append(text[pos:])
    return "".join(pieces)


def contact_kinds(*texts: str) -> list[str]:
    """The kinds of contact detail in any of the texts, sorted; [] if none."""
    return sorted({hit.kind for text in texts for hit in find_contacts(text)})


def scan(*texts: str) -> list[str]:
    """What gig moderation flags: ``contact_kinds``, then "prohibited" for work Garap refuses.

    E.g. ``["phone", "prohibited"]``; [] if nothing.
    """
    flags = contact_kinds(*texts)
    if any(PROHIBITED.search(text) for text in texts):
        flags.append("prohibited")
    return flags

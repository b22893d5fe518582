"""The regular expressions of the contact filter (``marketplace.contact_filter``), one per kind
of hit but phone numbers (``phones``). They run on folded text (``folding``).

Every quantifier is bounded and no two alternatives of a repetition can match the same text,
so none of them backtracks catastrophically: their cost grows with the length of the text, which
``tests/marketplace/test_contact_filter_bounds.py`` holds against crafted inputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


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
# A dot in a link may be spelled out or spaced like an e-mail's ("t . me/budi", "wa dot me/62…",
# "t(.)me/budi"), and the slash spaced ("t.me / budi").
_LINK_DOT = (
    r"(?:[ \t]{0,3}\.[ \t]{0,3}|[ \t]{0,3}[\[({<][ \t]{0,2}(?:dot|titik|\.)[ \t]{0,2}[\])}>]"
    r"[ \t]{0,3}|[ \t]{1,3}(?:dot|titik)[ \t]{1,3})"
)
# Only with a path: "instagram.com" alone names a site, "instagram.com/budi" is a person.
_SITES = _CHANNEL_SITES.replace(r"\.", _LINK_DOT)
LINK = re.compile(
    rf"(?<![\w.-])(?:https?://)?(?:www{_LINK_DOT})?(?:{_SITES})"
    rf"[ \t]{{0,2}}/[ \t]{{0,2}}[^\s<>\"'()\[\]]{{1,200}}",
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


def regex_hits(text: str) -> Iterator[Hit]:
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

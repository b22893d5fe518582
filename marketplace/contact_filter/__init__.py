"""Finds off-platform contact details in text people write on Garap, and masks them.

Until a contract is funded, talking or paying outside Garap loses the buyer's and the
freelancer's protection, so contact details are masked in what the other party and the public
see (``accounts.masking`` stores the masked copy when the text is written) and gig moderation is
told which kinds were found. Prices, dates, times, sizes and counts must never be
hits: a false alarm hides a price from a buyer.

Kinds of hit (``CONTACT_KINDS``):

- ``email``: an address, also disguised: ``budi [at] gmail [dot] com``, ``budi(at)gmail.com``,
  ``budi at gmail dot com``, ``budi @ gmail . com``. A disguised one must end in a known
  top-level domain, so ordinary prose with "at" and a dot is left alone.
- ``phone``: an Indonesian mobile (08…, 628…, +62 8…) or landline (021…, (0274) …) number with
  spaces, dots, dashes or brackets, a digit per space, ``O`` for zero, or spelled out in
  Indonesian or English words (``nol delapan satu …``, ``kosong delapan …``, ``zero eight …``),
  or mixed. How a run of digits qualifies is explained in ``phones``.
- ``link``: a link to a messaging app or to a social network with direct messages (wa.me,
  t.me, line.me, instagram.com/…), also with its dots spelled or spaced (``t . me/budi``). A
  portfolio site (dribbble, behance, github) is not a channel and is not a hit.
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

Unicode disguises (full-width digits and ``＠``, zero-width spaces between digits, Arabic-Indic
digits, Cyrillic look-alike letters) are folded away before matching (``folding``); the hits'
spans point into the text as written, so masking keeps everything else exactly as typed.

The work per text is bounded: the patterns are linear (``patterns``), and only the first
``SCAN_LIMIT`` characters are read. Every text the API takes is shorter; should a longer one
arrive by another way, ``mask_contacts`` hides the unread rest rather than let it through.

No business rules live here (who sees what, which fields are checked, what a hit costs the
author): this is a text utility any app may import, ``accounts`` included.
``EMAIL``, ``PHONE`` and ``MESSAGING`` stay importable with ``search`` and ``finditer`` for the
moderators' admin, which lists what each matched.
"""

from __future__ import annotations

import re

from marketplace.contact_filter.folding import fold, original_span
from marketplace.contact_filter.patterns import (
    EMAIL,
    EMAIL_DISGUISED,
    HANDLE,
    LINK,
    MESSAGING,
    OFF_PLATFORM,
    Hit,
    regex_hits,
)
from marketplace.contact_filter.phones import PHONE

__all__ = [
    "CONTACT_KINDS",
    "EMAIL",
    "EMAIL_DISGUISED",
    "HANDLE",
    "LINK",
    "MASK",
    "MESSAGING",
    "OFF_PLATFORM",
    "PHONE",
    "SCAN_LIMIT",
    "Hit",
    "contact_kinds",
    "find_contacts",
    "mask_contacts",
    "screen",
]

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
# Characters read per text (before and after folding). The longest text the API takes is 5 000
# characters; twice that leaves room and still bounds the work on anything longer.
SCAN_LIMIT = 10_000

# When hits overlap, the merged one takes the most specific kind: a wa.me link holds a phone
# number, a "telegram: @budi" handle holds a messaging word.
_PRIORITY = ("link", "email", "phone", "social_handle", "messaging_app", "off_platform")
_LABEL_GAP = re.compile(r"[ \t:=-]{0,3}")  # between a label ("WA") and its value ("0812…")


def _read(text: str) -> tuple[str, list[int] | None, int]:
    """What the filter matches: the folded first ``SCAN_LIMIT`` characters, the map back to
    ``text``, and the index in ``text`` where reading stopped (``len(text)`` if it read all)."""
    cut = min(len(text), SCAN_LIMIT)
    folded, origin = fold(text[:cut])
    if len(folded) > SCAN_LIMIT:  # folding can lengthen a text ("ﷺ" is 18 letters)
        assert origin is not None  # noqa: S101 - only folding changes a text's length
        cut = origin[SCAN_LIMIT]
        folded, origin = folded[:SCAN_LIMIT], origin[:SCAN_LIMIT]
    return folded, origin, cut


def _merged(text: str) -> list[Hit]:
    hits = [*regex_hits(text), *(Hit("phone", *m.span()) for m in PHONE.finditer(text))]
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


def _find(text: str) -> tuple[list[Hit], int]:
    folded, origin, cut = _read(text)
    hits: list[Hit] = []
    for hit in _merged(folded):
        start, end = original_span(origin, hit.start, hit.end)
        if hits and start <= hits[-1].end:  # two folded hits from one original character
            last = hits[-1]
            kind = min(last.kind, hit.kind, key=_PRIORITY.index)
            hits[-1] = Hit(kind, last.start, max(last.end, end))
            continue
        hits.append(Hit(hit.kind, start, end))
    return hits, cut


def find_contacts(text: str) -> list[Hit]:
    """Contact details in ``text``: spans of ``text`` as written, sorted by start, never
    overlapping. Only the first ``SCAN_LIMIT`` characters are read."""
    return _find(text)[0]


def mask_contacts(text: str) -> str:
    """``text`` with each contact detail replaced by ``MASK``; everything else is kept as
    written. Past ``SCAN_LIMIT`` characters the unread rest is one ``MASK`` too."""
    return screen(text)[0]


def screen(text: str) -> tuple[str, list[str]]:
    """``mask_contacts(text)`` and the sorted kinds of its hits, from one reading of the text."""
    hits, cut = _find(text)
    pieces, pos = [], 0
    for hit in hits:
        pieces += [text[pos : hit.start], MASK]
        pos = hit.end
    pieces.append(text[pos:cut])
    if cut < len(text):
        pieces.append(MASK)
    return "".join(pieces), sorted({hit.kind for hit in hits})


def contact_kinds(*texts: str) -> list[str]:
    """The kinds of contact detail in any of the texts, sorted; [] if none."""
    return sorted({hit.kind for text in texts for hit in find_contacts(text)})

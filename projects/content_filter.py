"""What gig moderation flags in a gig's text: contact details (the contact filter,
``marketplace.contact_filter``, which every app uses) and work Garap refuses (``PROHIBITED``).

The contact filter's names are importable from here for the moderators' admin, which lists
what each pattern matched.
"""

from __future__ import annotations

import re

from marketplace.contact_filter import (
    CONTACT_KINDS,
    EMAIL,
    MASK,
    MESSAGING,
    PHONE,
    Hit,
    contact_kinds,
    find_contacts,
    mask_contacts,
)

__all__ = [
    "CONTACT_KINDS",
    "EMAIL",
    "MASK",
    "MESSAGING",
    "PHONE",
    "PROHIBITED",
    "Hit",
    "contact_kinds",
    "find_contacts",
    "mask_contacts",
    "prohibited",
    "scan",
]

PROHIBITED = re.compile(
    r"\b(judi|slot gacor|slot online|togel|pinjol|joki (skripsi|tesis|tugas|ujian)|akun palsu"
    r"|fake review|ulasan palsu|beli followers?)\b",
    re.IGNORECASE,
)


def prohibited(*texts: str) -> list[str]:
    """``["prohibited"]`` when any of the texts asks for work Garap refuses, else ``[]``."""
    return ["prohibited"] if any(PROHIBITED.search(text) for text in texts) else []


def scan(*texts: str) -> list[str]:
    """What gig moderation flags: ``contact_kinds``, then "prohibited" for work Garap refuses.

    E.g. ``["phone", "prohibited"]``; [] if nothing. (A gig's flags are written from the kinds
    its masking found, ``projects.services.gigs``, so its text is read once.)
    """
    return [*contact_kinds(*texts), *prohibited(*texts)]

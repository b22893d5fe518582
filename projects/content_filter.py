"""Flags gig text that a moderator should see before it goes live.

Two kinds of hits: off-platform contact details (paying outside Garap loses the buyer's and the
freelancer's protection) and work Garap does not allow. The moderation issue refines the
contact patterns and masks hits in what the other party sees; this module only reports them.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.IGNORECASE)
# +62 / 62 / 08… with optional spaces, dots or dashes between digit groups: 9 or more digits.
PHONE = re.compile(r"(?<!\w)(?:\+?62|0)8(?:[\s.-]?\d){7,12}(?!\w)")
MESSAGING = re.compile(
    r"wa\.me/|api\.whatsapp\.com|t\.me/|line\.me/|\bwhats ?app\b|\btelegram\b|\bid line\b",
    re.IGNORECASE,
)
PROHIBITED = re.compile(
    r"\b(judi|slot gacor|togel|pinjol|joki (skripsi|tugas|ujian)|akun palsu|fake review"
    r"|ulasan palsu|beli followers?)\b",
    re.IGNORECASE,
)


def scan(*texts: str) -> list[str]:
    """The kinds of problem found in the texts, e.g. ``["email", "prohibited"]``; [] if none."""
    text = "\n".join(texts)
    hits = []
    if EMAIL.search(text):
        hits.append("email")
    if PHONE.search(text):
        hits.append("phone")
    if MESSAGING.search(text):
        hits.append("messaging_app")
    if PROHIBITED.search(text):
        hits.append("prohibited")
    return hits

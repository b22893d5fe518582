"""When an account holder's name is the verified legal name (``payments.services.identity``).

Banks and e-wallets write names their own way: "SITI AMINAH", "Siti  Aminah", "Siti Aminah."
Two names match when they are the same words in the same order, ignoring case, accents,
punctuation and spacing. Nothing more is forgiven — no dropped titles or initials, no
reordering — so a freelancer writes the name exactly as on their KTP and the rule stays one a
person can check by eye.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_LETTERS = re.compile(r"[\W_]+")


def normalised_name(name: str) -> str:
    """``name`` as it is compared: folded case, no accents, words split on anything else."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(word for word in _NOT_LETTERS.split(plain.casefold()) if word)


def names_match(first: str, second: str) -> bool:
    return bool(normalised_name(first)) and normalised_name(first) == normalised_name(second)

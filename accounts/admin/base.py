"""What the admin pages for people share."""

from __future__ import annotations

from django.utils.text import Truncator


def short_text(text: str, words: int = 12) -> str:
    """A reason cut to its first words, for a list column."""
    return Truncator(text).words(words)

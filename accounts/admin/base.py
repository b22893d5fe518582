"""What the admin pages for people share."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils.text import Truncator


def active_suspension(now: datetime) -> Q:
    """Suspensions in force at ``now``: the rule of ``accounts.selectors.user_is_suspended``."""
    return Q(lifted_at__isnull=True, starts_at__lte=now) & (
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )


def short_text(text: str, words: int = 12) -> str:
    """A reason cut to its first words, for a list column."""
    return Truncator(text).words(words)

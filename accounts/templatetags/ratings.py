"""``{% rating value count %}``: a rating with its count, or "No reviews yet" (accounts.ratings,
the one home for how a rating is shown)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from accounts.ratings import rating_text

register = template.Library()


@register.simple_tag
def rating(value: Decimal | float | None, count: int) -> str:
    return rating_text(value, count or 0)

"""How a rating is shown, everywhere one appears: the profile's reputation, the freelancer
directory, a client's record, the gig cards and bid cards.

One rule: a rating is shown only with the reviews it is made of. Without a revealed review there
is no rating to show, whatever the stored figure says (a freelancer's Bayesian rating starts at
the platform mean, so "5,00 / 5" would otherwise be shown for someone nobody has reviewed yet).
Numbers are written in the page's language (4,8 in Bahasa Indonesia, 4.8 in English).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.formatting import decimal

DECIMALS = 1


def rating_value(value: Decimal | float | None, count: int) -> Decimal | float | None:
    """The rating to show, or None when no review stands behind it."""
    return value if count and value is not None else None


def rating_figure(value: Decimal | float | None, count: int) -> str:
    """ "4,8 / 5", or "No reviews yet"."""
    shown = rating_value(value, count)
    if shown is None:
        return _("No reviews yet")
    return _("%(rating)s / 5") % {"rating": decimal(shown, DECIMALS)}


def reviews_count(count: int) -> str:
    return ngettext("%(n)d review", "%(n)d reviews", count) % {"n": count}


def rating_text(value: Decimal | float | None, count: int) -> str:
    """ "★ 4,8 / 5 (3 reviews)", or "No reviews yet": a rating never without its count."""
    if rating_value(value, count) is None:
        return _("No reviews yet")
    return f"★ {rating_figure(value, count)} ({reviews_count(count)})"

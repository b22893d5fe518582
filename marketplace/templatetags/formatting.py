"""Numbers, percentages, dates and times on pages, written by marketplace.formatting in the
page's language (a builtin library: every template has these filters without a ``load``).

``{{ gig.bidding_deadline|local_datetime }}`` → "8 Maret 2025 10.00 WIB";
``{{ bid.created_at|local_date }}`` → "8 Maret 2025"; ``{{ record.hire_rate|percent }}`` → "80,5%";
``{{ fee_percent|decimal:2 }}`` → "7,50".
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template

from marketplace import formatting

register = template.Library()


@register.filter
def local_datetime(moment: datetime | None) -> str:
    return "" if moment in (None, "") else formatting.local_datetime(moment)


@register.filter
def local_date(moment: datetime | date | None) -> str:
    return "" if moment in (None, "") else formatting.local_date(moment)


@register.filter
def percent(fraction: Decimal | float | None, places: int = 1) -> str:
    return formatting.percent(fraction, int(places))


@register.filter
def decimal(value: Decimal | float | int | None, places: int = 1) -> str:
    return "—" if value in (None, "") else formatting.decimal(value, int(places))

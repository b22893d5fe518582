"""The platform fee, shown on bids and milestones and taken at release.

Rounding rule (the only one): the fee is ``amount × percent / 100`` rounded half up to whole
rupiah, computed in integers (basis points) so no float ever touches money. The freelancer
receives ``amount − fee``; the two always add up to the amount.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def fee_basis_points() -> int:
    """The fee in hundredths of a percent: "10" → 1000, "7.5" → 750."""
    bps = Decimal(str(settings.PLATFORM_FEE_PERCENT)) * 100
    if bps != bps.to_integral_value() or not 0 <= bps <= 10_000:
        raise ImproperlyConfigured(
            "PLATFORM_FEE_PERCENT must be between 0 and 100 with at most two decimals."
        )
    return int(bps)


def platform_fee(amount: int) -> int:
    return (amount * fee_basis_points() + 5_000) // 10_000


def freelancer_receives(amount: int) -> int:
    return amount - platform_fee(amount)

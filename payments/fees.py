"""The platform fee, shown on bids and milestones and taken at release.

Rounding rule (the only one): the fee is ``amount × percent / 100`` rounded half up to whole
rupiah, computed in integers (basis points) so no float ever touches money. The freelancer
receives ``amount − fee``; the two always add up to the amount.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def fee_basis_points() -> int:
    """The fee in hundredths of a percent: "10" → 1000, "7.5" → 750."""
    return int(Decimal(str(settings.PLATFORM_FEE_PERCENT)) * 100)


def platform_fee(amount: int) -> int:
    return (amount * fee_basis_points() + 5_000) // 10_000


def freelancer_receives(amount: int) -> int:
    return amount - platform_fee(amount)

"""The platform fee, shown on bids and milestones and taken at release.

Rounding rule (the only one): the fee is ``amount × percent / 100`` rounded half up to whole
rupiah, computed in integers (basis points) so no float ever touches money. The freelancer
receives ``amount − fee``; the two always add up to the amount.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class SplitShares:
    """A disputed escrow settled by a moderator: ``awarded`` to the freelancer before the fee,
    of which Garap keeps ``fee`` and the freelancer's wallet gets ``received``; ``returned`` goes
    back to the client. ``received + fee + returned`` is the escrowed amount."""

    awarded: int
    fee: int
    received: int
    returned: int


def split_shares(amount: int, awarded: int) -> SplitShares:
    """The one rule for a split: the fee is taken only on what the freelancer is awarded."""
    fee = platform_fee(awarded)
    return SplitShares(awarded=awarded, fee=fee, received=awarded - fee, returned=amount - awarded)

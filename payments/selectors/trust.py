"""Trust and safety: money that goes round between two accounts."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef

from payments.models import Deposit, Withdrawal

# A top-up counts as the freelancer's withdrawal coming back when it is made within this long
# after the withdrawal and is within this share of its amount (either way).
ROUND_TRIP_WINDOW = timedelta(days=7)
ROUND_TRIP_TOLERANCE_PERCENT = 10
_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Za-z]")


def _destinations(user_id: int) -> set[tuple[str, str, str]]:
    """Where a user's withdrawals went: (method, bank or e-wallet, account number), written
    the same way whatever spaces, dashes or case the user typed."""
    return {
        (method, bank.upper(), _NOT_ALPHANUMERIC.sub("", number).upper())
        for method, bank, number in Withdrawal.objects.filter(user_id=user_id).values_list(
            "method", "bank_code", "account_number"
        )
    }


def payout_destination_shared(*, user_id: int, other_id: int) -> bool:
    """Both accounts asked for a withdrawal to the same bank account or e-wallet."""
    return bool(_destinations(user_id) & _destinations(other_id))


def money_round_trip(*, payee_id: int, payer_id: int, since: datetime) -> bool:
    """Since ``since``, the payer (a client) topped up about what the payee (its freelancer)
    had just withdrawn: the same money going round to be paid again. One query."""
    tolerance = ROUND_TRIP_TOLERANCE_PERCENT
    # Whole rupiah compared without division: top-up × 100 within withdrawal × (100 ± t).
    withdrawals = (
        Withdrawal.objects.filter(
            user_id=payee_id,
            created_at__gte=since,
            created_at__lte=OuterRef("created_at"),
            created_at__gt=OuterRef("created_at") - ROUND_TRIP_WINDOW,
        )
        .exclude(status=Withdrawal.Status.REJECTED)
        .annotate(low=F("amount") * (100 - tolerance), high=F("amount") * (100 + tolerance))
        .filter(low__lte=OuterRef("amount") * 100, high__gte=OuterRef("amount") * 100)
    )
    return (
        Deposit.objects.filter(user_id=payer_id, status=Deposit.Status.PAID, created_at__gte=since)
        .filter(Exists(withdrawals))
        .exists()
    )

"""Reads of money: wallet balances, history, escrow balances (used by the audit)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, QuerySet, Sum
from django.utils import timezone

from payments import ledger
from payments.models import Account, Deposit, Entry, LedgerTransaction, Withdrawal

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class WalletSummary:
    available: int
    in_escrow: int  # funded by this user as a client, not yet released or refunded
    pending_withdrawal: int


def wallet_summary(*, user: User) -> WalletSummary:
    """Balances of everything the user owns, in one query."""
    totals = dict(
        Account.objects.filter(owner=user)
        .values("kind")
        .annotate(total=Sum("balance"))
        .values_list("kind", "total")
    )
    return WalletSummary(
        available=totals.get(Account.Kind.WALLET, 0),
        in_escrow=totals.get(Account.Kind.ESCROW, 0),
        pending_withdrawal=totals.get(Account.Kind.PENDING_WITHDRAWAL, 0),
    )


def wallet_entries(*, user: User) -> QuerySet[Entry]:
    """Every movement on the user's wallet, with the transaction that explains it."""
    return Entry.objects.filter(account__reference=ledger.wallet(user.pk).reference).select_related(
        "transaction"
    )


def wallet_releases_total(*, user: User, start: datetime, end: datetime) -> int:
    """Whole rupiah released from escrow into the user's wallet in ``[start, end)``: what they
    earned as a freelancer, after the platform fee. Dispute settlements are not counted."""
    total = Entry.objects.filter(
        account__reference=ledger.wallet(user.pk).reference,
        transaction__kind=LedgerTransaction.Kind.RELEASE,
        transaction__created_at__gte=start,
        transaction__created_at__lt=end,
    ).aggregate(total=Sum("amount"))["total"]
    return total or 0


def wallet_releases_this_month(*, user: User, now: datetime | None = None) -> int:
    """Releases to the user's wallet in the current calendar month of the site's time zone
    (Asia/Jakarta): from the 1st, 00:00 local time, to the 1st of the next month."""
    local = timezone.localtime(now or timezone.now())
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if start.month == 12:
        end = start.replace(year=start.year + 1, month=1)
    else:
        end = start.replace(month=start.month + 1)
    return wallet_releases_total(user=user, start=start, end=end)


def escrow_balances(*, references: list[str]) -> dict[str, int]:
    """``{"milestone:1": 150000, …}`` for the escrow accounts that exist."""
    accounts = Account.objects.filter(
        reference__in=[ledger.ESCROW_PREFIX + r for r in references]
    ).values_list("reference", "balance")
    return {ref.removeprefix(ledger.ESCROW_PREFIX): balance for ref, balance in accounts}


def all_escrow_balances() -> dict[str, int]:
    rows = Account.objects.filter(kind=Account.Kind.ESCROW).values_list("reference", "balance")
    return {ref.removeprefix(ledger.ESCROW_PREFIX): balance for ref, balance in rows}


def transaction_counts(*, kind: str) -> dict[str, int]:
    """How many transactions of ``kind`` each reference has."""
    from django.db.models import Count

    rows = (
        LedgerTransaction.objects.filter(kind=kind)
        .values("reference")
        .annotate(n=Count("id"))
        .values_list("reference", "n")
    )
    return dict(rows)


def deposit_list(*, user: User) -> QuerySet[Deposit]:
    return Deposit.objects.filter(user=user)


def withdrawal_list(*, user: User) -> QuerySet[Withdrawal]:
    return Withdrawal.objects.filter(user=user)


# --- trust and safety: money that goes round between two accounts ------------------------------

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

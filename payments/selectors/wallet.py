"""Reads of a user's money: wallet balances, history, earnings, deposits and withdrawals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet, Sum
from django.utils import timezone

from payments.models import Account, Deposit, Entry, LedgerTransaction, Withdrawal
from payments.services import ledger

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


def month_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The current calendar month in the site's time zone (Asia/Jakarta): from the 1st, 00:00
    local time, to the 1st of the next month."""
    local = timezone.localtime(now or timezone.now())
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if start.month == 12:
        end = start.replace(year=start.year + 1, month=1)
    else:
        end = start.replace(month=start.month + 1)
    return start, end


def wallet_releases_this_month(*, user: User, now: datetime | None = None) -> int:
    """Releases to the user's wallet in the current calendar month (``month_bounds``)."""
    start, end = month_bounds(now)
    return wallet_releases_total(user=user, start=start, end=end)


@dataclass(frozen=True)
class ClientSpending:
    paid: int  # released this month from escrows the user funded: milestone prices, fee included
    in_escrow: int  # funded and not yet released or refunded


def client_spending_this_month(*, user: User, now: datetime | None = None) -> ClientSpending:
    """What the user spent as a client: paid to freelancers in the current calendar month
    (``month_bounds``) and still held in escrow. Dispute settlements are not counted as paid,
    as they are not counted as earned (``wallet_releases_total``). Two queries."""
    start, end = month_bounds(now)
    released = Entry.objects.filter(
        account__owner=user,
        account__kind=Account.Kind.ESCROW,
        transaction__kind=LedgerTransaction.Kind.RELEASE,
        transaction__created_at__gte=start,
        transaction__created_at__lt=end,
    ).aggregate(total=Sum("amount"))["total"]
    held = Account.objects.filter(owner=user, kind=Account.Kind.ESCROW).aggregate(
        total=Sum("balance")
    )["total"]
    return ClientSpending(paid=-(released or 0), in_escrow=held or 0)


def deposit_list(*, user: User) -> QuerySet[Deposit]:
    return Deposit.objects.filter(user=user)


def withdrawal_list(*, user: User) -> QuerySet[Withdrawal]:
    return Withdrawal.objects.filter(user=user)

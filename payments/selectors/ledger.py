"""Reads of the ledger as a whole: escrow balances and transaction counts (used by the audit)."""

from __future__ import annotations

from django.db.models import Count

from payments.models import Account, LedgerTransaction
from payments.services import ledger


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
    rows = (
        LedgerTransaction.objects.filter(kind=kind)
        .values("reference")
        .annotate(n=Count("id"))
        .values_list("reference", "n")
    )
    return dict(rows)

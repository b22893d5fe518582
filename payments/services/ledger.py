"""The only code that writes ledger entries.

``post`` records one balanced transaction: it locks the accounts involved in primary-key order
(so two postings touching the same accounts never deadlock), checks that no wallet or escrow
would go below zero, writes the transaction and its entries, and moves the cached balances with
``F()`` under those locks. A key already posted returns the first transaction unchanged: a
retried request, task or webhook moves money once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from marketplace.errors import PaymentRequired
from marketplace.formatting import rupiah
from marketplace.transactions import atomic_with_retry
from payments.models import Account, Entry, LedgerTransaction

PLATFORM_FEES = "platform:fees"
PAYOUTS = "payouts:bank"


class UnbalancedTransaction(ValueError):
    """A programming error: entries must be two or more, non-zero, and sum to zero."""


@dataclass(frozen=True)
class AccountRef:
    reference: str
    kind: str
    owner_id: int | None = None


def wallet(user_id: int) -> AccountRef:
    return AccountRef(f"wallet:{user_id}", Account.Kind.WALLET, user_id)


def pending_withdrawal(user_id: int) -> AccountRef:
    return AccountRef(f"withdrawals:{user_id}", Account.Kind.PENDING_WITHDRAWAL, user_id)


ESCROW_PREFIX = "escrow:"


def escrow(reference: str, payer_id: int) -> AccountRef:
    """The escrow account of an opaque object, e.g. ``escrow("milestone:17", client_id)``."""
    return AccountRef(ESCROW_PREFIX + reference, Account.Kind.ESCROW, payer_id)


def platform_fees() -> AccountRef:
    return AccountRef(PLATFORM_FEES, Account.Kind.PLATFORM_FEES)


def gateway(provider: str) -> AccountRef:
    return AccountRef(f"gateway:{provider}", Account.Kind.GATEWAY)


def payouts() -> AccountRef:
    return AccountRef(PAYOUTS, Account.Kind.PAYOUTS)


def refunds_pending(provider: str) -> AccountRef:
    return AccountRef(f"refunds:{provider}", Account.Kind.REFUNDS_PENDING)


def owed(user_id: int) -> AccountRef:
    """What the user owes Garap, as minus the balance (see ``payments.services.chargebacks``)."""
    return AccountRef(f"owed:{user_id}", Account.Kind.OWED, user_id)


def _get_or_create_accounts(refs: list[AccountRef]) -> dict[str, Account]:
    found = {
        a.reference: a for a in Account.objects.filter(reference__in=[r.reference for r in refs])
    }
    for ref in refs:
        if ref.reference not in found:
            try:
                with transaction.atomic():
                    found[ref.reference] = Account.objects.create(
                        reference=ref.reference, kind=ref.kind, owner_id=ref.owner_id
                    )
            except IntegrityError:  # created concurrently by another posting
                found[ref.reference] = Account.objects.get(reference=ref.reference)
    return found


@atomic_with_retry
def post(
    *,
    kind: str,
    key: str,
    reference: str,
    entries: list[tuple[AccountRef, int]],
    description: str = "",
) -> LedgerTransaction:
    """Post a balanced transaction once per ``key``.

    Raises ``PaymentRequired`` (402) when a wallet or escrow would go below zero, naming how
    much is missing; nothing is written then. Raises ``UnbalancedTransaction`` for entries that
    do not sum to zero (a bug, never a user's mistake).
    """
    if len(entries) < 2 or sum(amount for _ref, amount in entries) != 0:
        raise UnbalancedTransaction(f"{kind} {reference}: entries must sum to zero")
    if any(amount == 0 for _ref, amount in entries):
        raise UnbalancedTransaction(f"{kind} {reference}: zero entry")

    existing = LedgerTransaction.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing

    accounts = _get_or_create_accounts([ref for ref, _amount in entries])
    locked = {
        a.reference: a
        for a in Account.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=[a.pk for a in accounts.values()])
        .order_by("pk")
    }
    # Re-check under the locks: a concurrent twin may have posted this key meanwhile.
    existing = LedgerTransaction.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing

    change: dict[str, int] = {}
    for ref, amount in entries:
        change[ref.reference] = change.get(ref.reference, 0) + amount
    for ref_name, delta in change.items():
        account = locked[ref_name]
        if account.kind not in Account.EXTERNAL and account.balance + delta < 0:
            missing = -(account.balance + delta)
            raise PaymentRequired(
                _("Not enough money: %(missing)s more is needed.") % {"missing": rupiah(missing)},
                fields={
                    "amount": [_("Top up at least %(missing)s.") % {"missing": rupiah(missing)}]
                },
                missing=missing,
            )

    txn = LedgerTransaction.objects.create(
        kind=kind, idempotency_key=key, reference=reference, description=description[:200]
    )
    Entry.objects.bulk_create(
        Entry(transaction=txn, account=locked[ref.reference], amount=amount)
        for ref, amount in entries
    )
    for ref_name, delta in change.items():
        Account.objects.filter(pk=locked[ref_name].pk).update(balance=F("balance") + delta)
    return txn

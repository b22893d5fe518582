"""The ledger's invariants (DESIGN.md §3), checked across payments and milestones.

Lives in projects because it ties the two: payments knows escrow accounts only by an opaque
reference, projects knows which milestone each reference means and what it should hold.
"""

from __future__ import annotations

from django.db.models import Sum

from payments import selectors as payments
from payments.models import Account, Entry, LedgerTransaction
from projects.models import Milestone

HOLDS_ESCROW = (
    Milestone.Status.FUNDED,
    Milestone.Status.SUBMITTED,
    Milestone.Status.REVISION_REQUESTED,
    Milestone.Status.DISPUTED,
)


def ledger_problems() -> list[str]:
    """Every broken invariant, one line each naming the rows; [] when the books are right."""
    problems: list[str] = []

    total = Entry.objects.aggregate(total=Sum("amount"))["total"] or 0
    if total != 0:
        problems.append(f"entries sum to {total}, not 0")

    for txn_id, txn_sum in (
        LedgerTransaction.objects.annotate(total=Sum("entries__amount"))
        .exclude(total=0)
        .values_list("pk", "total")
    ):
        problems.append(f"transaction {txn_id} is unbalanced by {txn_sum}")

    cached = dict(Account.objects.values_list("pk", "balance"))
    summed = dict(
        Entry.objects.values("account").annotate(s=Sum("amount")).values_list("account", "s")
    )
    for account_id, balance in cached.items():
        if summed.get(account_id, 0) != balance:
            problems.append(
                f"account {account_id} caches {balance} but its entries sum to "
                f"{summed.get(account_id, 0)}"
            )

    for reference, balance in (
        Account.objects.exclude(kind__in=Account.EXTERNAL)
        .filter(balance__lt=0)
        .values_list("reference", "balance")
    ):
        problems.append(f"{reference} is negative: {balance}")

    escrow = payments.all_escrow_balances()
    releases = payments.transaction_counts(kind=LedgerTransaction.Kind.RELEASE)
    for pk, status, amount in Milestone.objects.values_list("pk", "status", "amount"):
        reference = f"milestone:{pk}"
        expected = amount if status in HOLDS_ESCROW else 0
        held = escrow.pop(reference, 0)
        if held != expected:
            problems.append(f"{reference} ({status}) holds {held} in escrow, expected {expected}")
        released = releases.get(reference, 0)
        if status == Milestone.Status.RELEASED and released != 1:
            problems.append(f"{reference} is released with {released} release transactions")
        if status != Milestone.Status.RELEASED and released:
            problems.append(f"{reference} ({status}) has {released} release transactions")
    for reference, held in escrow.items():
        if held:
            problems.append(f"escrow:{reference} holds {held} but no milestone matches it")
    return problems

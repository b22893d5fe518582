"""The ledger's invariants (DESIGN.md §3), checked across payments and milestones.

Lives in projects because it ties the two: payments knows escrow accounts only by an opaque
reference, projects knows which milestone each reference means and what it should hold.
"""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.core.mail import mail_admins
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from accounts.models import User
from marketplace.formatting import Counted
from payments.models import Account, Entry, LedgerTransaction
from payments.selectors import ledger as payments
from payments.services.ledger import ESCROW_PREFIX
from projects import notices
from projects.models import Milestone
from projects.models.contracts import escrow_reference

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

    # A user's debt to Garap is minus its balance: above zero would be Garap owing through it.
    for reference, balance in Account.objects.filter(
        kind=Account.Kind.OWED, balance__gt=0
    ).values_list("reference", "balance"):
        problems.append(f"{reference} is positive: {balance}")

    escrow = payments.all_escrow_balances()
    releases = payments.transaction_counts(kind=LedgerTransaction.Kind.RELEASE)
    for pk, status, amount in Milestone.objects.values_list("pk", "status", "amount"):
        reference = escrow_reference(pk)
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
            problems.append(f"{ESCROW_PREFIX}{reference} holds {held} but no milestone matches it")
    return problems


def ledger_audit_with_alert(*, now: datetime | None = None) -> list[str]:
    """The nightly audit: on any problem, every superuser and every staff member who may
    process withdrawals gets a notice (once per day), and the site admins an e-mail."""
    problems = ledger_problems()
    if not problems:
        return problems
    day = timezone.localdate(now or timezone.now()).isoformat()
    staff = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True)
        | Q(is_staff=True, user_permissions__codename="process_withdrawal")
        | Q(is_staff=True, groups__permissions__codename="process_withdrawal")
    )
    summary = "; ".join(problems[:3])
    for member in staff.distinct():
        notices.notify(
            member,
            notices.LEDGER_AUDIT_FAILED,
            subject=day,
            link_args={"app_label": "payments"},
            count=Counted(ngettext_lazy("%(n)d problem", "%(n)d problems", "n"), len(problems)),
            summary=summary + ("…" if len(problems) > 3 else "."),
        )
    if cache.add(f"ledger-audit-mailed:{day}", True, timeout=2 * 24 * 3600):  # once a day
        noun = "problem" if len(problems) == 1 else "problems"  # to the admins, in English
        mail_admins(f"Ledger audit failed: {len(problems)} {noun}", "\n".join(problems))
    return problems

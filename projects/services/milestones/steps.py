"""What every milestone action shares: the locks (contract, then milestone), the notice to one
party, and closing the contract (and its gig) when its last milestone settles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.masking import text_of
from accounts.models import User
from accounts.notices import NoticeKind
from marketplace.errors import NotFound
from marketplace.formatting import days_count, rupiah
from marketplace.state import ensure_transition
from projects import notices
from projects.access import is_moderator
from projects.models import Contract, Dispute, Gig, Milestone, ReputationEvent
from projects.reputation import services as reputation

M = Milestone.Status
M_FAULT = Milestone.Fault
SETTLED = (M.RELEASED, M.RESOLVED, M.CANCELLED)


def lock(milestone_id: int, actor: User | None) -> tuple[Contract, Milestone]:
    """Lock the milestone's contract, then the milestone; NotFound for non-parties."""
    contract_ids = Milestone.objects.filter(pk=milestone_id).values_list("contract_id", flat=True)
    contract_id = contract_ids.first()
    if contract_id is None:
        raise NotFound(_("Milestone not found."))
    contract = (
        # With its gig, which the contract's end closes (gigs come before contracts).
        Contract.objects.select_for_update(of=("self", "gig"), no_key=True)
        .select_related("gig")
        .get(pk=contract_id)
    )
    # Looked up again under the contract's lock, never assumed: while this waited for the lock
    # a split (``milestones_split``, under the same lock) may have replaced the milestone.
    milestone = (
        Milestone.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk=milestone_id, contract=contract)
        .first()
    )
    parties = (contract.client_id, contract.freelancer_id)
    if milestone is None or (
        actor is not None and actor.pk not in parties and not is_moderator(actor)
    ):
        raise NotFound(_("Milestone not found."))
    return contract, milestone


def lock_unless_busy(milestone_id: int) -> tuple[Contract, Milestone] | None:
    """The sweeps' ``lock``: the contract, then the milestone — or None, locking nothing more,
    when another transaction holds either (the next sweep comes back to it)."""
    contract_id = (
        Milestone.objects.filter(pk=milestone_id).values_list("contract_id", flat=True).first()
    )
    if contract_id is None:
        return None  # the milestone is gone (a split replaced it)
    contract = (
        # With its gig, as ``lock`` takes them (gigs come before contracts).
        Contract.objects.select_for_update(skip_locked=True, of=("self", "gig"), no_key=True)
        .select_related("gig")
        .filter(pk=contract_id)
        .first()
    )
    if contract is None:
        return None
    milestone = (
        Milestone.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
        .filter(pk=milestone_id)
        .first()
    )
    return None if milestone is None else (contract, milestone)


def notify(
    milestone: Milestone,
    contract: Contract,
    kind: NoticeKind,
    recipient_id: int,
    occurrence: object = None,
    **params: Any,
) -> None:
    notices.notify(
        User.objects.get(pk=recipient_id),
        kind,
        subject=milestone,
        occurrence=occurrence,
        link_args={"contract_id": contract.pk},
        gig=text_of(contract.gig, "title"),
        milestone=text_of(milestone, "title"),
        amount=rupiah(milestone.amount),
        **params,
    )


def close_contract_if_settled(contract: Contract) -> None:
    """When no milestone is open any more the contract ends: completed if any work was paid,
    cancelled if every milestone was cancelled. The gig follows."""
    statuses = set(Milestone.objects.filter(contract=contract).values_list("status", flat=True))
    if not statuses or not statuses <= set(SETTLED) or contract.status != Contract.Status.ACTIVE:
        return
    # Paid work: a release, or a dispute settled with something for the freelancer.
    paid = (
        M.RELEASED in statuses
        or Dispute.objects.filter(milestone__contract=contract, freelancer_amount__gt=0).exists()
    )
    target = Contract.Status.COMPLETED if paid else Contract.Status.CANCELLED
    ensure_transition(contract, target)
    contract.status = target
    contract.completed_at = timezone.now()
    contract.outcome = outcome(contract, paid)
    contract.save(update_fields=["status", "completed_at", "outcome", "updated_at"])
    for party in (contract.client_id, contract.freelancer_id):
        reputation.reputation_event_record(
            user_id=party,
            kind=ReputationEvent.Kind.CONTRACT_CLOSED,
            reference=f"contract:{contract.pk}",
        )
        if paid:  # reviews open now, for REVIEW_WINDOW_DAYS
            notices.notify(
                User.objects.get(pk=party),
                notices.CONTRACT_COMPLETED,
                subject=contract,
                link_args={"contract_id": contract.pk},
                gig=text_of(contract.gig, "title"),
                days=days_count(settings.REVIEW_WINDOW_DAYS),
            )
    gig = Gig.objects.select_for_update(of=("self",), no_key=True).get(pk=contract.gig_id)
    gig_target = Gig.Status.COMPLETED if paid else Gig.Status.CANCELLED
    ensure_transition(gig, gig_target)
    gig.status = gig_target
    gig.save(update_fields=["status", "updated_at"])


def outcome(contract: Contract, paid: bool) -> str:
    """How the contract ended, for the freelancer's completion rate (docs/reputation.md).

    A dispute the freelancer lost (they got less than half of the milestone) counts against
    them even if other work was paid; otherwise paid work is a completion, and an unpaid end is
    the fault of whoever cancelled (the client's overdue cancellation is the freelancer's).
    """
    lost = (
        Dispute.objects.filter(milestone__contract=contract, status=Dispute.Status.RESOLVED)
        .alias(doubled=F("freelancer_amount") * 2)
        .filter(doubled__lt=F("milestone__amount"))
        .exists()
    )
    if lost:
        return Contract.Outcome.DISPUTE_LOST
    if paid:
        return Contract.Outcome.COMPLETED
    freelancer_fault = Milestone.objects.filter(
        contract=contract, cancel_fault=M_FAULT.FREELANCER
    ).exists()
    if freelancer_fault:
        return Contract.Outcome.CANCELLED_BY_FREELANCER
    return Contract.Outcome.CANCELLED_BY_CLIENT

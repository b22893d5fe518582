"""Cancelling a milestone (money back to the client), and a contract nobody funded in time."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from accounts.masking import text_of
from accounts.models import User
from marketplace.formatting import days_count
from marketplace.state import ensure_transition
from marketplace.transactions import atomic_with_retry
from payments.services import escrow as payments
from projects import notices
from projects.models import Contract, Milestone
from projects.models.contracts import escrow_reference
from projects.policies import milestones as policy
from projects.services.milestones import steps
from projects.services.milestones.steps import M_FAULT, M


@atomic_with_retry
def milestone_cancel(*, milestone_id: int, actor: User) -> Milestone:
    """Cancel a milestone.

    The client cancels a pending milestone, or a funded one once it is overdue (due date passed
    with nothing submitted); the freelancer cancels a funded one, which is their agreement to
    refund. Funded money goes back to the client's wallet.
    """
    contract, milestone = steps.lock(milestone_id, actor)
    # Who may act first, then the state: a moderator gets 403 in every state, not a 409 or a
    # no-op 200 on a cancelled milestone.
    policy.ensure_role(policy.CANCEL, contract=contract, actor_id=actor.pk)
    if milestone.status == M.CANCELLED:
        return milestone
    policy.ensure_state(
        policy.CANCEL, milestone, contract=contract, actor_id=actor.pk, now=timezone.now()
    )
    is_client = actor.pk == contract.client_id
    if milestone.status == M.FUNDED:
        payments.escrow_refund(
            reference=escrow_reference(milestone.pk),
            payer_id=contract.client_id,
            amount=milestone.amount,
        )
    # An overdue milestone the client cancels is the freelancer's missed deadline.
    freelancer_fault = not is_client or milestone.status == M.FUNDED
    milestone.cancel_fault = M_FAULT.FREELANCER if freelancer_fault else M_FAULT.CLIENT
    milestone.status, milestone.closed_at = M.CANCELLED, timezone.now()
    milestone.save(update_fields=["status", "closed_at", "cancel_fault", "updated_at"])
    other = contract.freelancer_id if is_client else contract.client_id
    steps.notify(milestone, contract, notices.MILESTONE_CANCELLED, other)
    steps.close_contract_if_settled(contract)
    return milestone


@atomic_with_retry
def contract_cancel_unfunded(*, contract_id: int) -> Contract:
    """The system cancels a contract the client never funded within ``FUNDING_WINDOW_DAYS``.

    No money is held, so nothing moves; the pending milestones are cancelled as the client's
    doing (it does not count against the freelancer), which closes the contract and the gig.
    """
    contract = (
        # With its gig, which the contract's end closes (gigs come before contracts).
        Contract.objects.select_for_update(of=("self", "gig"), no_key=True)
        .select_related("gig")
        .get(pk=contract_id)
    )
    if contract.status != Contract.Status.ACTIVE or contract.first_funded_at is not None:
        return contract
    # The milestones are the truth about money; the contract's mark only makes the sweep cheap.
    funded = Milestone.objects.filter(contract=contract, funded_at__isnull=False)
    first_funded = funded.order_by("funded_at").values_list("funded_at", flat=True).first()
    if first_funded is not None:
        contract.first_funded_at = first_funded
        contract.save(update_fields=["first_funded_at", "updated_at"])
        return contract
    now = timezone.now()
    pending = list(
        Milestone.objects.select_for_update(of=("self",), no_key=True).filter(
            contract=contract, status=M.PENDING
        )
    )
    for milestone in pending:
        ensure_transition(milestone, M.CANCELLED)
        milestone.status, milestone.closed_at = M.CANCELLED, now
        milestone.cancel_fault = M_FAULT.CLIENT
        milestone.save(update_fields=["status", "closed_at", "cancel_fault", "updated_at"])
    steps.close_contract_if_settled(contract)
    for party in User.objects.filter(pk__in=(contract.client_id, contract.freelancer_id)):
        notices.notify(
            party,
            notices.CONTRACT_CANCELLED_UNFUNDED,
            subject=contract,
            link_args={"contract_id": contract.pk},
            gig=text_of(contract.gig, "title"),
            days=days_count(settings.FUNDING_WINDOW_DAYS),
        )
    return contract

"""The client funds a milestone: its amount moves from their wallet into escrow."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from marketplace.transactions import atomic_with_retry
from payments.services import escrow as payments
from projects import notices
from projects.models import Milestone
from projects.models.contracts import escrow_reference
from projects.policies import milestones as policy
from projects.services.gigs import ensure_not_suspended
from projects.services.milestones import steps
from projects.services.milestones.steps import M


@atomic_with_retry
def milestone_fund(*, milestone_id: int, actor: User) -> Milestone:
    """The client moves the milestone's amount from their wallet into escrow; work starts.

    A milestone funded later than the hire is due no sooner than the bid's delivery time after
    the funding. Raises ``PaymentRequired`` (402) saying how much to top up; nothing changes
    then.
    """
    contract, milestone = steps.lock(milestone_id, actor)
    policy.ensure_role(policy.FUND, contract=contract, actor_id=actor.pk)
    if milestone.status == M.FUNDED:
        return milestone
    ensure_not_suspended(actor)  # no new money into a deal while suspended
    policy.ensure_state(
        policy.FUND, milestone, contract=contract, actor_id=actor.pk, now=timezone.now()
    )
    payments.escrow_fund(
        reference=escrow_reference(milestone.pk),
        payer_id=contract.client_id,
        amount=milestone.amount,
    )
    milestone.status, milestone.funded_at = M.FUNDED, timezone.now()
    # Work starts when the money is in escrow: a milestone funded late still leaves the
    # freelancer the delivery time their bid promised, so a client cannot fund at the last
    # minute and then cancel the work as overdue (and on the freelancer's record).
    promised = contract.agreed_delivery_at - contract.created_at
    milestone.due_at = max(milestone.due_at, milestone.funded_at + promised)
    milestone.save(update_fields=["status", "funded_at", "due_at", "updated_at"])
    if contract.first_funded_at is None:  # stops the unfunded-contract timer
        contract.first_funded_at = milestone.funded_at
        contract.save(update_fields=["first_funded_at", "updated_at"])
    steps.notify(milestone, contract, notices.MILESTONE_FUNDED, contract.freelancer_id)
    return milestone

"""Paying a submitted milestone out: the client's approval, or the system's auto-release."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from marketplace.state import ensure_transition
from marketplace.transactions import atomic_with_retry
from payments.services import escrow as payments
from projects import notices
from projects.models import Contract, Milestone
from projects.models.contracts import escrow_reference
from projects.policies import milestones as policy
from projects.services.milestones import steps
from projects.services.milestones.steps import M


def _release(contract: Contract, milestone: Milestone, *, by_system: bool = False) -> Milestone:
    ensure_transition(milestone, M.RELEASED)
    payments.escrow_release(
        reference=escrow_reference(milestone.pk),
        payer_id=contract.client_id,
        payee_id=contract.freelancer_id,
        amount=milestone.amount,
    )
    milestone.status, milestone.closed_at = M.RELEASED, timezone.now()
    if milestone.submitted_at:
        waited = milestone.closed_at - milestone.submitted_at
        milestone.approval_seconds = max(0, int(waited.total_seconds()))
    milestone.save(update_fields=["status", "closed_at", "approval_seconds", "updated_at"])
    steps.notify(milestone, contract, notices.MILESTONE_RELEASED, contract.freelancer_id)
    if by_system:  # the client did not approve it themselves: tell them it was paid
        steps.notify(milestone, contract, notices.MILESTONE_AUTO_RELEASED, contract.client_id)
    steps.close_contract_if_settled(contract)
    return milestone


@atomic_with_retry
def milestone_release(*, milestone_id: int, actor: User | None) -> Milestone:
    """Pay a submitted milestone out: amount less the fee to the freelancer, the fee to Garap.

    ``actor`` is the approving client, or None for the system (auto-release). A repeat is a
    no-op: the milestone is re-read under its lock and the ledger key is unique.
    """
    contract, milestone = steps.lock(milestone_id, actor)
    # Who may act first, then the state: a repeat is a no-op only for the client.
    if actor is not None:
        policy.ensure_role(policy.APPROVE, contract=contract, actor_id=actor.pk)
    if milestone.status == M.RELEASED:
        return milestone
    if actor is not None:
        policy.ensure_state(
            policy.APPROVE, milestone, contract=contract, actor_id=actor.pk, now=timezone.now()
        )
    return _release(contract, milestone)


def milestone_approve(*, milestone_id: int, actor: User) -> Milestone:
    return milestone_release(milestone_id=milestone_id, actor=actor)


@atomic_with_retry
def milestone_auto_release(*, milestone_id: int) -> Milestone | None:
    """Release a milestone submitted ``AUTO_RELEASE_DAYS`` ago that the client left alone.

    Returns None (and changes nothing) when it is not due: not submitted any more, or too soon —
    or when another transaction holds the contract or the milestone: the sweep does not wait
    for it, and the next run finds the milestone again.
    """
    locked = steps.lock_unless_busy(milestone_id)
    if locked is None:
        return None
    contract, milestone = locked
    release_at = milestone.auto_release_at
    if release_at is None or release_at > timezone.now():
        return None
    return _release(contract, milestone, by_system=True)

"""A party disputes a milestone; a moderator settles it between the two."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ModeratorAction, User
from accounts.services.audit import audit_record, records_refused_attempts
from accounts.staff_policy import ensure_staff_not_party
from marketplace.errors import DomainError, PermissionDenied
from marketplace.formatting import rupiah
from marketplace.state import ensure_transition
from marketplace.transactions import atomic_with_retry
from payments.fees import split_shares
from payments.services import escrow as payments
from projects import notices
from projects.access import is_moderator
from projects.models import Dispute, Milestone
from projects.models.contracts import escrow_reference
from projects.policies import milestones as policy
from projects.services.milestones import steps
from projects.services.milestones.steps import M


@atomic_with_retry
def milestone_dispute(*, milestone_id: int, actor: User, reason: str) -> Milestone:
    """Either party freezes a funded or submitted milestone for a moderator to settle."""
    contract, milestone = steps.lock(milestone_id, actor)
    policy.ensure_role(policy.DISPUTE, contract=contract, actor_id=actor.pk)
    if milestone.status == M.DISPUTED:
        return milestone
    if not reason.strip():
        raise DomainError(_("Explain what went wrong."), fields={"reason": [_("Required.")]})
    policy.ensure_state(
        policy.DISPUTE, milestone, contract=contract, actor_id=actor.pk, now=timezone.now()
    )
    Dispute.objects.create(milestone=milestone, opened_by=actor, reason=reason.strip())
    milestone.status = M.DISPUTED
    milestone.save(update_fields=["status", "updated_at"])
    other = contract.freelancer_id if actor.pk == contract.client_id else contract.client_id
    steps.notify(milestone, contract, notices.MILESTONE_DISPUTED, other)
    return milestone


@records_refused_attempts
@atomic_with_retry
def milestone_resolve(
    *, milestone_id: int, moderator: User, freelancer_amount: int, note: str
) -> Milestone:
    """A moderator settles a dispute: ``freelancer_amount`` (less the fee) to the freelancer,
    the rest of the escrow back to the client. Never a dispute on their own contract
    (``StaffIsParty``, the attempt recorded)."""
    # Lock first: someone who may not see the milestone gets 404, as on every other action;
    # only its parties learn that settling is for moderators.
    contract, milestone = steps.lock(milestone_id, moderator)
    if not (is_moderator(moderator) and moderator.has_perm("projects.resolve_dispute")):
        raise PermissionDenied(_("Only moderators settle disputes."))
    disputed = Dispute.objects.filter(milestone=milestone).first() or milestone
    ensure_staff_not_party(
        staff=moderator, action=ModeratorAction.Action.RESOLVE_DISPUTE, obj=disputed
    )
    if milestone.status == M.RESOLVED:
        return milestone
    ensure_transition(milestone, M.RESOLVED)
    payments.escrow_split(
        reference=escrow_reference(milestone.pk),
        payer_id=contract.client_id,
        payee_id=contract.freelancer_id,
        amount=milestone.amount,
        payee_amount=freelancer_amount,
    )
    dispute = Dispute.objects.select_for_update(of=("self",), no_key=True).get(milestone=milestone)
    dispute.status, dispute.freelancer_amount = Dispute.Status.RESOLVED, freelancer_amount
    dispute.resolution_note, dispute.resolved_by = note.strip(), moderator
    dispute.resolved_at = timezone.now()
    dispute.save()
    milestone.status, milestone.closed_at = M.RESOLVED, timezone.now()
    milestone.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        moderator=moderator,
        action=ModeratorAction.Action.RESOLVE_DISPUTE,
        target=dispute,
        reason=dispute.resolution_note,
        milestone=milestone.pk,
        freelancer_amount=freelancer_amount,
        client_amount=milestone.amount - freelancer_amount,
    )
    shares = split_shares(milestone.amount, freelancer_amount)  # as the ledger just posted
    for party in (contract.client_id, contract.freelancer_id):
        steps.notify(
            milestone,
            contract,
            notices.DISPUTE_RESOLVED,
            party,
            freelancer_amount=rupiah(shares.awarded),
            freelancer_receives=rupiah(shares.received),
            fee=rupiah(shares.fee),
            client_amount=rupiah(shares.returned),
        )
    steps.close_contract_if_settled(contract)
    return milestone

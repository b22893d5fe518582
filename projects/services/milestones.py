"""The escrow side of milestones: fund, submit, revise, approve/release, cancel, dispute,
resolve — and closing the contract when its last milestone settles.

Every action locks the contract, then the milestone (parents before children), re-reads the
state, and is a no-op when it was already done. Money moves only through ``payments.services``
in the same transaction, keyed by ``milestone:<id>``, so no retry or race pays twice.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.masking import text_of
from accounts.models import ModeratorAction, User
from accounts.notices import NoticeKind
from accounts.services.audit import audit_record, records_refused_attempts
from accounts.staff_policy import ensure_staff_not_party
from marketplace.errors import DomainError, NotFound, PermissionDenied
from marketplace.formatting import rupiah
from marketplace.state import ensure_transition
from marketplace.storage import removes_files_on_failure, save_file
from marketplace.transactions import atomic_with_retry
from marketplace.uploads import check_document
from payments.services import escrow as payments
from projects import notices
from projects.access import is_moderator
from projects.models import (
    Contract,
    Delivery,
    DeliveryFile,
    Dispute,
    Gig,
    Milestone,
    ReputationEvent,
    RevisionRequest,
)
from projects.models.contracts import escrow_reference
from projects.policies import milestones as policy
from projects.reputation import services as reputation
from projects.services.contracts import contract_note_first_response
from projects.services.gigs import ensure_not_suspended

M = Milestone.Status
M_FAULT = Milestone.Fault
SETTLED = (M.RELEASED, M.RESOLVED, M.CANCELLED)
DISPUTABLE = (M.FUNDED, M.SUBMITTED, M.REVISION_REQUESTED)


def _lock(milestone_id: int, actor: User | None) -> tuple[Contract, Milestone]:
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


def _lock_unless_busy(milestone_id: int) -> tuple[Contract, Milestone] | None:
    """The sweeps' ``_lock``: the contract, then the milestone — or None, locking nothing more,
    when another transaction holds either (the next sweep comes back to it)."""
    contract_id = (
        Milestone.objects.filter(pk=milestone_id).values_list("contract_id", flat=True).first()
    )
    if contract_id is None:
        return None  # the milestone is gone (a split replaced it)
    contract = (
        # With its gig, as _lock takes them (gigs come before contracts).
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


def _notify(
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


def _close_contract_if_settled(contract: Contract) -> None:
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
    contract.outcome = _outcome(contract, paid)
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
                days=settings.REVIEW_WINDOW_DAYS,
            )
    gig = Gig.objects.select_for_update(of=("self",), no_key=True).get(pk=contract.gig_id)
    gig_target = Gig.Status.COMPLETED if paid else Gig.Status.CANCELLED
    ensure_transition(gig, gig_target)
    gig.status = gig_target
    gig.save(update_fields=["status", "updated_at"])


def _outcome(contract: Contract, paid: bool) -> str:
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


@atomic_with_retry
def milestone_fund(*, milestone_id: int, actor: User) -> Milestone:
    """The client moves the milestone's amount from their wallet into escrow; work starts.

    A milestone funded later than the hire is due no sooner than the bid's delivery time after
    the funding. Raises ``PaymentRequired`` (402) saying how much to top up; nothing changes
    then.
    """
    contract, milestone = _lock(milestone_id, actor)
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
    _notify(milestone, contract, notices.MILESTONE_FUNDED, contract.freelancer_id)
    return milestone


@removes_files_on_failure
@atomic_with_retry
def milestone_submit(
    *, milestone_id: int, actor: User, note: str, files: list[UploadedFile] | None = None
) -> Milestone:
    """The freelancer delivers (first time, or after a revision request)."""
    contract, milestone = _lock(milestone_id, actor)
    policy.ensure_role(policy.SUBMIT, contract=contract, actor_id=actor.pk)
    ensure_not_suspended(actor)
    if not note.strip():
        raise DomainError(_("Describe what you deliver."), fields={"note": [_("Required.")]})
    files = files or []
    if len(files) > settings.ATTACHMENTS_PER_MESSAGE:
        raise DomainError(
            _("At most %(n)d files per delivery.") % {"n": settings.ATTACHMENTS_PER_MESSAGE},
            fields={"files": [_("Too many files.")]},
        )
    policy.ensure_state(
        policy.SUBMIT, milestone, contract=contract, actor_id=actor.pk, now=timezone.now()
    )
    checked = [(upload, check_document(upload)) for upload in files]
    delivery = Delivery.objects.create(milestone=milestone, note=note.strip())
    for upload, info in checked:
        stored = DeliveryFile(
            delivery=delivery,
            original_name=info.name,
            content_type=info.content_type,
            size=info.size,
        )
        save_file(stored.file, info.storage_name, upload)
        stored.save()
    milestone.status, milestone.submitted_at = M.SUBMITTED, timezone.now()
    milestone.first_submitted_at = milestone.first_submitted_at or milestone.submitted_at
    milestone.auto_release_warned_at = None  # each submission has its own auto-release timer
    milestone.save(
        update_fields=[
            "status",
            "submitted_at",
            "first_submitted_at",
            "auto_release_warned_at",
            "updated_at",
        ]
    )
    contract_note_first_response(contract)
    _notify(
        milestone,
        contract,
        notices.MILESTONE_SUBMITTED,
        contract.client_id,
        occurrence=delivery.pk,
        days=settings.AUTO_RELEASE_DAYS,
    )
    return milestone


@atomic_with_retry
def milestone_request_revision(*, milestone_id: int, actor: User, note: str) -> Milestone:
    """The client asks for changes, up to the revisions the bid included."""
    contract, milestone = _lock(milestone_id, actor)
    policy.ensure_role(policy.REQUEST_REVISION, contract=contract, actor_id=actor.pk)
    if not note.strip():
        raise DomainError(_("Say what to change."), fields={"note": [_("Required.")]})
    policy.ensure_state(
        policy.REQUEST_REVISION, milestone, contract=contract, actor_id=actor.pk, now=timezone.now()
    )
    milestone.status = M.REVISION_REQUESTED
    milestone.revisions_used += 1
    milestone.save(update_fields=["status", "revisions_used", "updated_at"])
    # Kept with the delivery it answers: both parties (and a moderator settling a dispute)
    # read what was asked, not only the notice's excerpt.
    latest = Delivery.objects.filter(milestone=milestone).order_by("-id").first()
    if latest is not None:  # every submission makes a delivery; a row lost to a bug is no 500
        RevisionRequest.objects.create(delivery=latest, note=note.strip())
    _notify(
        milestone,
        contract,
        notices.REVISION_REQUESTED,
        contract.freelancer_id,
        occurrence=milestone.revisions_used,
        note=note.strip()[:200],
    )
    return milestone


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
    _notify(milestone, contract, notices.MILESTONE_RELEASED, contract.freelancer_id)
    if by_system:  # the client did not approve it themselves: tell them it was paid
        _notify(milestone, contract, notices.MILESTONE_AUTO_RELEASED, contract.client_id)
    _close_contract_if_settled(contract)
    return milestone


@atomic_with_retry
def milestone_release(*, milestone_id: int, actor: User | None) -> Milestone:
    """Pay a submitted milestone out: amount less the fee to the freelancer, the fee to Garap.

    ``actor`` is the approving client, or None for the system (auto-release). A repeat is a
    no-op: the milestone is re-read under its lock and the ledger key is unique.
    """
    contract, milestone = _lock(milestone_id, actor)
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
    locked = _lock_unless_busy(milestone_id)
    if locked is None:
        return None
    contract, milestone = locked
    release_at = milestone.auto_release_at
    if release_at is None or release_at > timezone.now():
        return None
    return _release(contract, milestone, by_system=True)


@atomic_with_retry
def milestone_cancel(*, milestone_id: int, actor: User) -> Milestone:
    """Cancel a milestone.

    The client cancels a pending milestone, or a funded one once it is overdue (due date passed
    with nothing submitted); the freelancer cancels a funded one, which is their agreement to
    refund. Funded money goes back to the client's wallet.
    """
    contract, milestone = _lock(milestone_id, actor)
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
    _notify(milestone, contract, notices.MILESTONE_CANCELLED, other)
    _close_contract_if_settled(contract)
    return milestone


@atomic_with_retry
def milestone_dispute(*, milestone_id: int, actor: User, reason: str) -> Milestone:
    """Either party freezes a funded or submitted milestone for a moderator to settle."""
    contract, milestone = _lock(milestone_id, actor)
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
    _notify(milestone, contract, notices.MILESTONE_DISPUTED, other)
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
    contract, milestone = _lock(milestone_id, moderator)
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
    for party in (contract.client_id, contract.freelancer_id):
        _notify(
            milestone,
            contract,
            notices.DISPUTE_RESOLVED,
            party,
            freelancer_amount=rupiah(freelancer_amount),
        )
    _close_contract_if_settled(contract)
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
    _close_contract_if_settled(contract)
    for party in User.objects.filter(pk__in=(contract.client_id, contract.freelancer_id)):
        notices.notify(
            party,
            notices.CONTRACT_CANCELLED_UNFUNDED,
            subject=contract,
            link_args={"contract_id": contract.pk},
            gig=text_of(contract.gig, "title"),
            days=settings.FUNDING_WINDOW_DAYS,
        )
    return contract

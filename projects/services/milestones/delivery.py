"""The freelancer delivers a milestone; the client asks for a revision."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.errors import DomainError
from marketplace.storage import removes_files_on_failure, save_file
from marketplace.transactions import atomic_with_retry
from marketplace.uploads import check_document
from projects import notices
from projects.models import Delivery, DeliveryFile, Milestone, RevisionRequest
from projects.policies import milestones as policy
from projects.services.contracts import contract_note_first_response
from projects.services.gigs import ensure_not_suspended
from projects.services.milestones import steps
from projects.services.milestones.steps import M


@removes_files_on_failure
@atomic_with_retry
def milestone_submit(
    *, milestone_id: int, actor: User, note: str, files: list[UploadedFile] | None = None
) -> Milestone:
    """The freelancer delivers (first time, or after a revision request)."""
    contract, milestone = steps.lock(milestone_id, actor)
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
    steps.notify(
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
    contract, milestone = steps.lock(milestone_id, actor)
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
        RevisionRequest.objects.create(
            delivery=latest, note=note.strip(), number=milestone.revisions_used
        )
    steps.notify(
        milestone,
        contract,
        notices.REVISION_REQUESTED,
        contract.freelancer_id,
        occurrence=milestone.revisions_used,
        note=note.strip()[:200],
    )
    return milestone

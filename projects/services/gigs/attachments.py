"""Files a client attaches to a gig before it is awarded."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.masking import mask_texts
from accounts.models import User
from marketplace.errors import Conflict, NotFound
from marketplace.storage import removes_files_on_failure, save_file
from marketplace.transactions import atomic_with_retry
from marketplace.uploads import check_document
from projects.models import Gig, GigAttachment
from projects.services.gigs.guards import (
    delete_stored,
    ensure_gig_shown,
    ensure_not_suspended,
    lock_own_gig,
    record_contact_hit,
)


@removes_files_on_failure
@atomic_with_retry
def gig_attachment_add(*, gig_id: int, actor: User, upload: UploadedFile) -> GigAttachment:
    gig = lock_own_gig(gig_id, actor)
    ensure_not_suspended(actor)
    ensure_gig_shown(gig)
    if gig.status not in (Gig.Status.DRAFT, Gig.Status.PENDING_REVIEW, Gig.Status.OPEN):
        raise Conflict(
            _("Files can be added only before the gig is awarded."), code="invalid_state"
        )
    if gig.attachments.count() >= settings.ATTACHMENTS_PER_GIG:
        raise Conflict(
            _("A gig has at most %(n)d files.") % {"n": settings.ATTACHMENTS_PER_GIG},
            code="too_many_files",
        )
    checked = check_document(upload)
    attachment = GigAttachment(
        gig=gig, original_name=checked.name, content_type=checked.content_type, size=checked.size
    )
    kinds = mask_texts(attachment)  # a file's name is text freelancers read
    save_file(attachment.file, checked.storage_name, upload)
    attachment.save()
    record_contact_hit(gig, kinds, author=actor)
    return attachment


@atomic_with_retry
def gig_attachment_remove(*, gig_id: int, attachment_id: int, actor: User) -> None:
    gig = lock_own_gig(gig_id, actor)
    ensure_not_suspended(actor)
    ensure_gig_shown(gig)
    attachment = GigAttachment.objects.filter(gig=gig, pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    if gig.status not in (Gig.Status.DRAFT, Gig.Status.PENDING_REVIEW, Gig.Status.OPEN):
        raise Conflict(
            _("Files can be removed only before the gig is awarded."), code="invalid_state"
        )
    attachment.delete()
    transaction.on_commit(lambda: delete_stored([attachment.file]))

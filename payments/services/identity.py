"""Identity checks (KYC): a freelancer submits who they are, Finance approves or rejects.

Every withdrawal needs an approved identity (``ensure_identity_approved``, called by
``withdrawal_request`` before anything is written). The issue asks for a check before the first
withdrawal and again above a monthly limit; requiring it for every withdrawal covers both with
one rule that a freelancer can understand, and a check is done once.

The KTP photo and the selfie are cleaned exactly as portfolio images are
(``marketplace.images``: the type decided by decoding, size and dimension limits, re-encoded with
no EXIF/GPS), kept in the private storage (no URL; ``payments.admin.identity`` serves them to
Finance only) and deleted ``KYC_IMAGE_RETENTION_DAYS`` after the decision
(``identity_images_expire``, a periodic task).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ModeratorAction, User
from accounts.services.audit import audit_record, records_refused_attempts
from accounts.staff_policy import ensure_staff_not_party
from marketplace.errors import Conflict, DomainError, NotFound, PermissionDenied
from marketplace.images import clean_image, inspect_image
from marketplace.state import ensure_transition
from marketplace.storage import removes_files_on_failure, save_file
from marketplace.transactions import atomic_with_retry
from payments import notices
from payments.models import IdentityCheck
from payments.nik import nik_problem

Action = ModeratorAction.Action
Status = IdentityCheck.Status


def identity_current(*, user: User) -> IdentityCheck | None:
    """The user's latest submission, which is their identity's state (None: never submitted)."""
    return IdentityCheck.objects.filter(user=user).order_by("-created_at", "-id").first()


def identity_is_approved(*, user: User) -> bool:
    return IdentityCheck.objects.filter(user=user, status=Status.APPROVED).exists()


class IdentityNotVerified(PermissionDenied):
    """Money may not leave before the owner's identity is approved."""

    code = "identity_not_verified"


def ensure_identity_approved(*, user: User) -> None:
    """Refuse (403, ``identity_not_verified``) unless ``user`` has an approved identity check."""
    if not identity_is_approved(user=user):
        raise IdentityNotVerified(
            _(
                "Verify your identity before withdrawing: submit your legal name, NIK, a photo "
                "of your KTP and a selfie holding it on the “Verify your identity” page. "
                "Finance checks it, usually within a working day."
            )
        )


def _nik_message(problem: str) -> str:
    messages = {
        "digits": _("A NIK is 16 digits, as printed on your KTP."),
        "province": _("The first two digits of a NIK are a province code (11 to 94)."),
        "regency": _("Digits 3 to 6 of a NIK are the regency and district codes, never 00."),
        "birth_date": _("Digits 7 to 12 of a NIK are a birth date (DDMMYY; women add 40 to DD)."),
        "age": _("The birth date in this NIK is not that of an adult KTP holder."),
        "sequence": _("The last four digits of a NIK are never 0000."),
    }
    return messages[problem]


def _clean(upload: UploadedFile[bytes], field: str) -> ContentFile[bytes]:
    """The portfolio's cleaning, in the request: the header first (cheap refusals), then the
    decode and re-encode. A check is submitted once or twice per freelancer, so the seconds of
    CPU a large photo costs are not worth a worker and a "processing" state here."""
    inspect_image(upload, field=field)
    clean = clean_image(upload, field=field)
    return ContentFile(clean.content, name=clean.storage_name)


@removes_files_on_failure
@atomic_with_retry
def identity_submit(
    *,
    user: User,
    legal_name: str,
    nik: str,
    ktp_image: UploadedFile[bytes],
    selfie_image: UploadedFile[bytes],
) -> IdentityCheck:
    """Submit for checking. Refused (409) while a check waits or once one is approved; a
    rejected one may be followed by a new submission. 400 for a NIK whose structure is wrong
    or an image that is not a clean JPEG/PNG/WebP within the limits — nothing stored."""
    # One submission at a time per user: the user's row is the lock.
    User.objects.select_for_update(of=("self",), no_key=True).filter(pk=user.pk).first()
    current = identity_current(user=user)
    if current is not None and current.status == Status.PENDING:
        raise Conflict(
            _("Your identity is being checked already. We will tell you when it is decided."),
            code="identity_pending",
        )
    if current is not None and current.status == Status.APPROVED:
        raise Conflict(_("Your identity is verified already."), code="identity_approved")
    legal_name = " ".join(legal_name.split())
    if len(legal_name) < 2:
        raise DomainError(
            _("Write your name as it is on your KTP."), fields={"legal_name": [_("Required.")]}
        )
    problem = nik_problem(nik, today=timezone.localdate())
    if problem is not None:
        message = _nik_message(problem)
        raise DomainError(message, code="invalid_nik", fields={"nik": [message]})
    ktp, selfie = _clean(ktp_image, "ktp_image"), _clean(selfie_image, "selfie_image")
    check = IdentityCheck(user=user, legal_name=legal_name, nik=nik)
    save_file(check.ktp_image, ktp.name or "", ktp)
    save_file(check.selfie_image, selfie.name or "", selfie)
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError:  # a second submission raced past the lock's re-read
        raise Conflict(
            _("Your identity is being checked already. We will tell you when it is decided."),
            code="identity_pending",
        ) from None
    return check


def _ensure_reviewer(staff: User) -> None:
    if not (staff.is_staff and staff.has_perm("payments.review_identity")):
        raise PermissionDenied(_("Only finance staff can decide identity checks."))


def _lock(check_id: int) -> IdentityCheck:
    check = (
        IdentityCheck.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk=check_id)
        .first()
    )
    if check is None:
        raise NotFound(_("Identity check not found."))
    return check


@records_refused_attempts
@atomic_with_retry
def identity_approve(*, check_id: int, staff: User) -> IdentityCheck:
    """Finance saw the KTP and the selfie match the name and NIK. Idempotent; never one's own
    (``StaffIsParty``, the attempt recorded)."""
    _ensure_reviewer(staff)
    check = _lock(check_id)
    ensure_staff_not_party(staff=staff, action=Action.APPROVE_IDENTITY, obj=check)
    if check.status == Status.APPROVED:
        return check
    ensure_transition(check, Status.APPROVED)
    check.status = Status.APPROVED
    check.decided_by, check.decided_at = staff, timezone.now()
    check.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(moderator=staff, action=Action.APPROVE_IDENTITY, target=check)
    notices.notify(check.user, notices.IDENTITY_APPROVED, subject=check, reason="")
    return check


@records_refused_attempts
@atomic_with_retry
def identity_reject(*, check_id: int, staff: User, reason: str) -> IdentityCheck:
    """Finance could not verify it; the freelancer is told ``reason`` and may submit again.
    Idempotent; never one's own."""
    _ensure_reviewer(staff)
    reason = " ".join(reason.split())[:300]
    if not reason:
        raise DomainError(_("Say why, for the freelancer."), fields={"reason": [_("Required.")]})
    check = _lock(check_id)
    ensure_staff_not_party(staff=staff, action=Action.REJECT_IDENTITY, obj=check)
    if check.status == Status.REJECTED:
        return check
    ensure_transition(check, Status.REJECTED)
    check.status, check.rejection_reason = Status.REJECTED, reason
    check.decided_by, check.decided_at = staff, timezone.now()
    check.save(update_fields=["status", "rejection_reason", "decided_by", "decided_at"])
    audit_record(moderator=staff, action=Action.REJECT_IDENTITY, target=check, reason=reason)
    notices.notify(check.user, notices.IDENTITY_REJECTED, subject=check, reason=reason)
    return check


def identity_images_expire(*, now: datetime, limit: int = 200) -> int:
    """Delete the images of checks decided over ``KYC_IMAGE_RETENTION_DAYS`` ago, a bounded
    batch, oldest first; how many had theirs deleted. The periodic task runs it until a batch
    deletes nothing. Safe to run twice. Pending checks keep theirs: Finance has not looked yet.
    A check whose row another transaction holds is passed, not waited for (the sweep's worker
    would run nothing else meanwhile): the next run deletes its images."""
    from django.conf import settings

    before = now - timedelta(days=settings.KYC_IMAGE_RETENTION_DAYS)
    ids = list(
        IdentityCheck.objects.filter(images_deleted_at__isnull=True, decided_at__lt=before)
        .order_by("decided_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(_expire_one(check_id, now) for check_id in ids)


@atomic_with_retry
def _expire_one(check_id: int, now: datetime) -> bool:
    check = (
        IdentityCheck.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
        .filter(pk=check_id, images_deleted_at__isnull=True)
        .first()
    )
    if check is None:  # expired already, or held elsewhere: the next run looks again
        return False
    names = [(f.storage, f.name) for f in (check.ktp_image, check.selfie_image) if f.name]
    check.ktp_image, check.selfie_image, check.images_deleted_at = "", "", now
    check.save(update_fields=["ktp_image", "selfie_image", "images_deleted_at"])
    # The files go once the row says so for good: a rollback keeps both.
    transaction.on_commit(lambda: _delete(names))
    return True


def _delete(names: list[tuple[Storage, str]]) -> None:
    for storage, name in names:
        storage.delete(name)

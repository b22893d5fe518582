"""Identity checks (KYC): who a freelancer is, before money leaves their wallet."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from marketplace.storage import private_storage
from marketplace.text import validate_single_line


def identity_image_path(check: IdentityCheck, filename: str) -> str:
    # The name is random (uuid4, given by the service): it never says whose KTP this is.
    return f"identity/{filename}"


class IdentityCheck(models.Model):
    """One submission of a legal name, NIK, KTP photo and selfie, decided by Finance.

    A rejected submission stays as it was (its reason shown to the freelancer); submitting
    again makes a new row. A user's identity is that of their latest submission. The images
    are private (no URL, served only to Finance) and deleted ``KYC_IMAGE_RETENTION_DAYS``
    after the decision; the row, the name and the NIK stay as the record of what was checked.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.REJECTED},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="identity_checks",
        verbose_name=_("user"),
    )
    legal_name = models.CharField(
        max_length=100, validators=[validate_single_line], verbose_name=_("legal name")
    )
    nik = models.CharField(
        max_length=16, verbose_name=_("nik")
    )  # 16 digits, structure checked (payments.nik)
    ktp_image = models.FileField(
        upload_to=identity_image_path,
        max_length=300,
        blank=True,
        storage=private_storage,
        verbose_name=_("ktp image"),
    )
    selfie_image = models.FileField(
        upload_to=identity_image_path,
        max_length=300,
        blank=True,
        storage=private_storage,
        verbose_name=_("selfie image"),
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
        verbose_name=_("status"),
    )
    rejection_reason = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        verbose_name=_("rejection reason"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    # When the retention sweep deleted the images (null while they are kept).
    images_deleted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("images deleted at")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("identity check")
        verbose_name_plural = _("identity checks")
        ordering = ["-created_at", "-id"]
        permissions = [("review_identity", gettext_noop("Can approve or reject identity checks"))]
        constraints = [
            # One check waiting at a time: a second submission while one waits is refused.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="identity_one_pending_per_user",
            )
        ]
        indexes = [
            # The retention sweep: decided checks whose images are still kept, oldest first.
            models.Index(
                fields=["decided_at"],
                name="identity_images_kept",
                condition=models.Q(images_deleted_at__isnull=True, decided_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return gettext("Identity check %(number)s (%(status)s)") % {
            "number": self.pk,
            "status": self.get_status_display(),
        }

"""What happens on a funded milestone: deliveries of work, and disputes about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from marketplace.storage import private_storage
from projects.models.contracts import Milestone


class Delivery(models.Model):
    """One submission of work for a milestone (the first, or one after a revision request)."""

    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("milestone")
    )
    note = models.TextField(max_length=5000, verbose_name=_("note"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["milestone_id", "id"]

    def __str__(self) -> str:
        return gettext("Delivery %(number)s for milestone %(milestone)s") % {
            "number": self.pk,
            "milestone": self.milestone_id,
        }


def delivery_file_path(instance: DeliveryFile, filename: str) -> str:
    return f"milestones/{instance.delivery.milestone_id}/deliveries/{filename}"


class DeliveryFile(models.Model):
    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="files", verbose_name=_("delivery")
    )
    # Private: served only by the permission-checked download view (marketplace.storage).
    file = models.FileField(
        upload_to=delivery_file_path,
        max_length=300,
        storage=private_storage,
        verbose_name=_("file"),
    )
    original_name = models.CharField(max_length=200, verbose_name=_("original name"))
    content_type = models.CharField(max_length=100, verbose_name=_("content type"))
    size = models.PositiveIntegerField(verbose_name=_("size"))  # bytes
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("delivered file")
        verbose_name_plural = _("delivered files")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class RevisionRequest(models.Model):
    """What the client asked to change in one delivery (at most one request per delivery: the
    next submission is a new delivery)."""

    delivery = models.OneToOneField(
        Delivery,
        on_delete=models.PROTECT,
        related_name="revision_request",
        verbose_name=_("delivery"),
    )
    note = models.TextField(max_length=3000, verbose_name=_("note"))
    # Which of the milestone's revisions this is (1 for the first): the milestone's
    # ``revisions_used`` when it was asked, so "revision 1 of 2" reads from the row itself.
    number = models.PositiveSmallIntegerField(verbose_name=_("number"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("revision request")
        verbose_name_plural = _("revision requests")

    def __str__(self) -> str:
        return gettext("Revision request on delivery %(number)s") % {"number": self.delivery_id}


class Dispute(models.Model):
    """A party froze a milestone's escrow; a moderator settles it with a split."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")

    milestone = models.OneToOneField(
        Milestone, on_delete=models.PROTECT, related_name="dispute", verbose_name=_("milestone")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    reason = models.TextField(max_length=3000, verbose_name=_("reason"))
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
        db_index=True,
        verbose_name=_("status"),
    )
    # Whole rupiah the freelancer received (before the fee); the rest went back to the client.
    freelancer_amount = models.PositiveBigIntegerField(
        null=True, blank=True, verbose_name=_("freelancer amount")
    )
    resolution_note = models.TextField(blank=True, verbose_name=_("resolution note"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("resolved at"))

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        permissions = [
            ("resolve_dispute", gettext_noop("Can settle disputes with a split of the escrow"))
        ]

    def __str__(self) -> str:
        return gettext("Dispute on milestone %(number)s") % {"number": self.milestone_id}

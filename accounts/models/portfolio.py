"""A freelancer's portfolio: pieces of work with images, in the order the owner chose."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.masking import MaskedCopyField, refuse_contact_details
from marketplace.storage import private_storage
from marketplace.text import validate_single_line


class PortfolioItem(models.Model):
    MAX_IMAGES = 8
    MAX_SKILLS = 10

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="portfolio_items",
        verbose_name=_("owner"),
    )
    title = models.CharField(_("title"), max_length=120, validators=[validate_single_line])
    description = models.TextField(_("description"), max_length=3000, blank=True)
    # What everyone but the owner and moderators reads (accounts.masking).
    title_masked = MaskedCopyField(of="title", author="owner_id", verbose_name=_("title masked"))
    description_masked = MaskedCopyField(
        of="description", author="owner_id", verbose_name=_("description masked")
    )
    category = models.ForeignKey(
        "accounts.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    skills = models.ManyToManyField(
        "accounts.Skill", blank=True, related_name="+", verbose_name=_("skills")
    )
    # A link to a messaging app or a profile with direct messages is refused: masked, it would
    # be a dead link; a portfolio site (Behance, Dribbble, GitHub) is what this is for.
    link = models.URLField(
        _("external link"), max_length=300, blank=True, validators=[refuse_contact_details]
    )
    # Work delivered and paid on Garap, shown with the client's permission: a verified piece.
    # The contract's id, an opaque reference like an escrow's "milestone:42" (accounts knows
    # nothing of contracts): projects checks it before it sets it, and unsets it when the
    # client takes their leave back. One item per contract.
    contract_id = models.BigIntegerField(
        null=True, blank=True, unique=True, verbose_name=_("contract id")
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    # Set when a moderator removed it after a report: shown to no one but its author and
    # moderators; never deleted (the report and the audit log still point at it).
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("portfolio item")
        verbose_name_plural = _("portfolio items")
        ordering = ["owner_id", "position", "id"]
        indexes = [models.Index(fields=["owner", "position", "id"], name="portfolio_by_owner")]

    def __str__(self) -> str:
        return self.title


def portfolio_image_path(instance: PortfolioImage, filename: str) -> str:
    return f"portfolio/{instance.item.owner_id}/{filename}"


def portfolio_upload_path(instance: PortfolioImage, filename: str) -> str:
    return f"incoming/portfolio/{filename}"


class PortfolioImage(models.Model):
    """An image as the owner uploaded it, then re-encoded by a worker (see marketplace.images):
    no EXIF, no GPS, at most ``IMAGE_STORED_MAX_SIDE`` a side.

    Decoding and re-encoding a large picture costs seconds of CPU, so the upload request only
    checks the header and keeps the bytes privately (``upload``); the image is shown to anyone
    but its owner once it is ``ready``.
    """

    class Status(models.TextChoices):
        PROCESSING = "processing", _("processing")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    item = models.ForeignKey(
        PortfolioItem, on_delete=models.CASCADE, related_name="images", verbose_name=_("item")
    )
    # The cleaned image, public by URL; empty until the image is ready.
    image = models.FileField(
        upload_to=portfolio_image_path, max_length=300, blank=True, verbose_name=_("image")
    )
    # The bytes as uploaded, private, kept only while the image is processing.
    upload = models.FileField(
        upload_to=portfolio_upload_path,
        max_length=300,
        blank=True,
        storage=private_storage,
        verbose_name=_("upload"),
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.READY,
        db_index=True,
        verbose_name=_("status"),
    )
    # Why processing failed (a marketplace.images refusal code); shown to the owner.
    error_code = models.CharField(max_length=40, blank=True, verbose_name=_("error code"))
    content_type = models.CharField(max_length=30, verbose_name=_("content type"))
    width = models.PositiveIntegerField(verbose_name=_("width"))
    height = models.PositiveIntegerField(verbose_name=_("height"))
    size = models.PositiveIntegerField(
        verbose_name=_("size")
    )  # bytes: as uploaded until ready, then as stored
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("portfolio image")
        verbose_name_plural = _("portfolio images")
        ordering = ["item_id", "position", "id"]
        indexes = [
            # The sweep that hands lost processing work to a worker again.
            models.Index(
                fields=["created_at"],
                name="portfolio_image_processing",
                condition=models.Q(status="processing"),
            )
        ]

    def __str__(self) -> str:
        return gettext("Image %(number)s of %(item)s") % {"number": self.pk, "item": self.item}

"""A freelancer's portfolio: pieces of work with images, in the order the owner chose."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.masking import MaskedCopyField, refuse_contact_details


class PortfolioItem(models.Model):
    MAX_IMAGES = 8
    MAX_SKILLS = 10

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_items"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    # What everyone but the owner and moderators reads (accounts.masking).
    title_masked = MaskedCopyField(of="title", author="owner_id")
    description_masked = MaskedCopyField(of="description", author="owner_id")
    category = models.ForeignKey(
        "projects.Category", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    skills = models.ManyToManyField("projects.Skill", blank=True, related_name="+")
    # A link to a messaging app or a profile with direct messages is refused: masked, it would
    # be a dead link; a portfolio site (Behance, Dribbble, GitHub) is what this is for.
    link = models.URLField(
        _("external link"), max_length=300, blank=True, validators=[refuse_contact_details]
    )
    # Work delivered and paid on Garap, shown with the client's permission: a verified piece.
    contract = models.OneToOneField(
        "projects.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portfolio_item",
    )
    position = models.PositiveSmallIntegerField(default=0)
    # Set when a moderator removed it after a report: shown to no one but its author and
    # moderators; never deleted (the report and the audit log still point at it).
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("portfolio item")
        verbose_name_plural = _("portfolio items")
        ordering = ["owner_id", "position", "id"]
        indexes = [models.Index(fields=["owner", "position", "id"], name="portfolio_by_owner")]

    def __str__(self) -> str:
        return self.title


def portfolio_image_path(instance: PortfolioImage, filename: str) -> str:
    return f"portfolio/{instance.item.owner_id}/{filename}"


class PortfolioImage(models.Model):
    """An image re-encoded on upload (see marketplace.images): no EXIF, no GPS, bounded size."""

    item = models.ForeignKey(PortfolioItem, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(upload_to=portfolio_image_path, max_length=300)
    content_type = models.CharField(max_length=30)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()  # bytes, after re-encoding
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_id", "position", "id"]

    def __str__(self) -> str:
        return f"Image {self.pk} of {self.item}"

"""Services (jasa): a freelancer's ready-made offer with up to three fixed-price packages, the
extras a client may add, and the questions the client answers when ordering.

The other direction of the market from a gig: the freelancer publishes, a client picks. A
service goes through the same moderation and contact filter as a gig (``projects.services.
catalogue``); ordering one comes later and creates a contract through the contract services.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.masking import MaskedCopyField
from accounts.models.taxonomy import Category, Skill
from marketplace.text import validate_single_line

# What the public browse list shows (projects.selectors.services), and what its partial
# indexes hold: live, and not hidden while its freelancer is suspended.
BROWSABLE = models.Q(status="live", hidden_at__isnull=True)

# Full-text search on PostgreSQL, filled by the database as for gigs (projects.models.gigs).
SEARCH_VECTOR_TRIGGER = pgtrigger.Trigger(
    name="service_search_vector",
    when=pgtrigger.Before,
    operation=pgtrigger.Insert | pgtrigger.UpdateOf("title", "description"),
    func="""
    NEW.search_vector :=
      setweight(to_tsvector('indonesian', coalesce(NEW.title, '')), 'A') ||
      setweight(to_tsvector('indonesian', coalesce(NEW.description, '')), 'B');
    RETURN NEW;
    """,
)


class Service(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PENDING_REVIEW = "pending_review", _("pending review")
        LIVE = "live", _("live")
        PAUSED = "paused", _("paused")
        REJECTED = "rejected", _("rejected")
        ARCHIVED = "archived", _("archived")

    class HiddenReason(models.TextChoices):
        REMOVED = "removed", _("removed by a moderator")
        SUSPENDED = "suspended", _("freelancer suspended")

    TRANSITIONS = {
        Status.DRAFT: {Status.PENDING_REVIEW, Status.LIVE, Status.ARCHIVED},
        Status.PENDING_REVIEW: {Status.LIVE, Status.REJECTED, Status.ARCHIVED},
        # Back to review when an edit trips the content filter.
        Status.LIVE: {Status.PAUSED, Status.ARCHIVED, Status.PENDING_REVIEW},
        Status.PAUSED: {Status.LIVE, Status.ARCHIVED, Status.PENDING_REVIEW},
        # A rejected service is edited back into a draft and submitted again.
        Status.REJECTED: {Status.DRAFT, Status.ARCHIVED},
        Status.ARCHIVED: set(),
    }
    # States in which people other than the freelancer (and moderators) may see the service.
    PUBLISHED = (Status.LIVE,)
    TITLE_MIN_LENGTH, TITLE_MAX_LENGTH = 5, 120
    DESCRIPTION_MIN_LENGTH, DESCRIPTION_MAX_LENGTH = 20, 5000
    MAX_PACKAGES = 3
    MAX_EXTRAS = 2
    MAX_REQUIREMENTS = 10

    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("freelancer"),
    )
    title = models.CharField(
        _("title"), max_length=TITLE_MAX_LENGTH, validators=[validate_single_line]
    )
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    # What everyone but the freelancer and moderators reads (accounts.masking).
    title_masked = MaskedCopyField(
        of="title", author="freelancer_id", verbose_name=_("title masked")
    )
    description_masked = MaskedCopyField(
        of="description", author="freelancer_id", verbose_name=_("description masked")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="services", verbose_name=_("category")
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="services", verbose_name=_("skills")
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        verbose_name=_("status"),
    )
    rejection_reason = models.TextField(blank=True, verbose_name=_("rejection reason"))
    # What the content filter found when the service was last written.
    content_flags = models.JSONField(default=list, blank=True, verbose_name=_("content flags"))
    # The cheapest package's price and the quickest package's days, kept by the services that
    # write packages: the browse filters and sorts read them without a join. Whole rupiah.
    price_from = models.PositiveBigIntegerField(
        null=True, blank=True, verbose_name=_("price from (IDR)")
    )
    fastest_delivery_days = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("fastest delivery (days)")
    )
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))
    # Kept up to date by a PostgreSQL trigger (``SEARCH_VECTOR_TRIGGER``); NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False, verbose_name=_("search vector"))
    # Hidden from everyone but its freelancer and moderators, never deleted: while its
    # freelancer is suspended (lifting the suspension shows it again), as their gigs are.
    hidden_at = models.DateTimeField(null=True, blank=True, verbose_name=_("hidden at"))
    hidden_reason = models.CharField(
        max_length=10, choices=HiddenReason.choices, blank=True, verbose_name=_("hidden reason")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        permissions = [("moderate_service", gettext_noop("Can approve or reject services"))]
        indexes = [
            models.Index(
                fields=["-published_at", "-id"], name="service_live_newest", condition=BROWSABLE
            ),
            models.Index(
                fields=["price_from", "id"], name="service_live_price", condition=BROWSABLE
            ),
            models.Index(fields=["freelancer", "-created_at"], name="service_by_freelancer"),
        ]
        triggers = [SEARCH_VECTOR_TRIGGER]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status in self.PUBLISHED


class ServicePackage(models.Model):
    """One of a service's fixed-price offers: at most one per tier, so at most three."""

    class Tier(models.TextChoices):
        BASIC = "basic", _("basic")
        STANDARD = "standard", _("standard")
        PREMIUM = "premium", _("premium")

    NAME_MAX_LENGTH = 60
    DESCRIPTION_MAX_LENGTH = 1000
    MAX_DELIVERY_DAYS = 90
    MAX_REVISIONS = 10

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="packages", verbose_name=_("service")
    )
    tier = models.CharField(max_length=10, choices=Tier.choices, verbose_name=_("tier"))
    name = models.CharField(
        _("name"), max_length=NAME_MAX_LENGTH, validators=[validate_single_line]
    )
    name_masked = MaskedCopyField(
        of="name", author="service.freelancer_id", verbose_name=_("name masked")
    )
    # What is included.
    description = models.TextField(_("what is included"), max_length=DESCRIPTION_MAX_LENGTH)
    description_masked = MaskedCopyField(
        of="description",
        author="service.freelancer_id",
        verbose_name=_("what is included masked"),
    )
    # Whole rupiah; at least the category's minimum price.
    price = models.PositiveBigIntegerField(_("price (IDR)"))
    delivery_days = models.PositiveSmallIntegerField(_("delivery (days)"))
    revisions_included = models.PositiveSmallIntegerField(_("revisions included"), default=0)

    class Meta:
        verbose_name = _("service package")
        verbose_name_plural = _("service packages")
        # Cheapest first: basic, standard, premium as a freelancer prices them.
        ordering = ["price", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "tier"], name="one_package_per_tier"),
            models.CheckConstraint(
                condition=models.Q(price__gt=0), name="service_package_price_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(delivery_days__gt=0), name="service_package_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(service)s: %(package)s") % {
            "service": self.service_id,
            "package": self.name,
        }


class ServiceExtra(models.Model):
    """Something a client may add to a package: faster delivery or one more revision."""

    class Kind(models.TextChoices):
        FASTER_DELIVERY = "faster_delivery", _("faster delivery")
        EXTRA_REVISION = "extra_revision", _("extra revision")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="extras", verbose_name=_("service")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    # Whole rupiah.
    price = models.PositiveBigIntegerField(_("price (IDR)"))
    # Faster delivery only: how many days sooner than the package's.
    days_saved = models.PositiveSmallIntegerField(_("days saved"), default=0)

    class Meta:
        verbose_name = _("service extra")
        verbose_name_plural = _("service extras")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "kind"], name="one_extra_per_kind"),
            models.CheckConstraint(
                condition=models.Q(price__gt=0), name="service_extra_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class ServiceRequirement(models.Model):
    """A question the client answers when ordering the service."""

    QUESTION_MAX_LENGTH = 500

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("service")
    )
    question = models.TextField(_("question"), max_length=QUESTION_MAX_LENGTH)
    question_masked = MaskedCopyField(
        of="question", author="service.freelancer_id", verbose_name=_("question masked")
    )
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service requirement")
        verbose_name_plural = _("service requirements")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.question[:60]

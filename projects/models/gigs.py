"""Gigs: a client's micro-project, open for bids until its bidding deadline."""

from __future__ import annotations

from datetime import datetime

import pgtrigger
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.masking import MaskedCopyField
from accounts.models.taxonomy import Category, Skill
from marketplace.storage import private_storage
from marketplace.text import validate_single_line

# What the browse list shows (projects.selectors.gigs), and what its partial indexes hold.
# The list also leaves out gigs whose bidding deadline passed (``taking_bids``): they stay open
# for the award window, but nobody can bid on them any more.
BROWSABLE = models.Q(status="open", visibility="public", hidden_at__isnull=True)


def taking_bids(now: datetime) -> models.Q:
    """Gigs that take bids at ``now``: ``Gig.takes_bids`` as a query."""
    return models.Q(status="open", bidding_deadline__gt=now)


# Full-text search on PostgreSQL: the database (rather than the ORM) fills ``search_vector``, so
# bulk loads, COPY and raw SQL keep it right too; titles weigh more than descriptions. A GIN index
# (migration 0003) serves ``@@`` queries. SQLite has no trigger: the search selector falls back
# to substring matching there.
SEARCH_VECTOR_TRIGGER = pgtrigger.Trigger(
    name="search_vector",
    when=pgtrigger.Before,
    operation=pgtrigger.Insert | pgtrigger.UpdateOf("title", "description"),
    func="""
    NEW.search_vector :=
      setweight(to_tsvector('indonesian', coalesce(NEW.title, '')), 'A') ||
      setweight(to_tsvector('indonesian', coalesce(NEW.description, '')), 'B');
    RETURN NEW;
    """,
)


class Gig(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PENDING_REVIEW = "pending_review", _("pending review")
        OPEN = "open", _("open")
        AWARDED = "awarded", _("awarded")
        COMPLETED = "completed", _("completed")
        EXPIRED = "expired", _("expired")
        CANCELLED = "cancelled", _("cancelled")
        REJECTED = "rejected", _("rejected")

    class HiddenReason(models.TextChoices):
        REMOVED = "removed", _("removed by a moderator")
        SUSPENDED = "suspended", _("client suspended")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        INVITE_ONLY = "invite_only", _("invite only")

    TRANSITIONS = {
        Status.DRAFT: {Status.PENDING_REVIEW, Status.OPEN, Status.CANCELLED},
        Status.PENDING_REVIEW: {Status.OPEN, Status.REJECTED, Status.CANCELLED},
        # Back to review when an edit (allowed only without live bids) trips the content filter.
        Status.OPEN: {Status.AWARDED, Status.EXPIRED, Status.CANCELLED, Status.PENDING_REVIEW},
        # An awarded gig is cancelled only with its contract (e.g. never funded).
        Status.AWARDED: {Status.COMPLETED, Status.CANCELLED},
        Status.COMPLETED: set(),
        Status.EXPIRED: set(),
        Status.CANCELLED: set(),
        Status.REJECTED: set(),
    }
    # States in which people other than the owner (and moderators) may see the gig.
    PUBLISHED = (Status.OPEN, Status.AWARDED, Status.COMPLETED, Status.EXPIRED)
    # The lengths a client writes within: the fields below, the API's serializers and the
    # pages' forms all read them (the minimums are checked where the text is entered).
    TITLE_MIN_LENGTH, TITLE_MAX_LENGTH = 5, 120
    DESCRIPTION_MIN_LENGTH, DESCRIPTION_MAX_LENGTH = 20, 5000

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="gigs",
        verbose_name=_("client"),
    )
    title = models.CharField(
        _("title"), max_length=TITLE_MAX_LENGTH, validators=[validate_single_line]
    )
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    # What everyone but the client and moderators reads (accounts.masking).
    title_masked = MaskedCopyField(of="title", author="client_id", verbose_name=_("title masked"))
    description_masked = MaskedCopyField(
        of="description", author="client_id", verbose_name=_("description masked")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="gigs", verbose_name=_("category")
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="gigs", verbose_name=_("skills")
    )
    # Whole rupiah; at least the category's minimum price.
    budget = models.PositiveBigIntegerField(_("budget (IDR)"))
    bidding_deadline = models.DateTimeField(_("bidding deadline"))
    delivery_deadline = models.DateTimeField(_("delivery deadline"))
    visibility = models.CharField(
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        verbose_name=_("visibility"),
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        verbose_name=_("status"),
    )
    rejection_reason = models.TextField(blank=True, verbose_name=_("rejection reason"))
    # What the content filter found when the gig was last submitted or edited.
    content_flags = models.JSONField(default=list, blank=True, verbose_name=_("content flags"))
    # Bids received, not counting withdrawn ones; shown to everyone instead of the sealed bids.
    bid_count = models.PositiveIntegerField(default=0, verbose_name=_("bid count"))
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))
    # The bidding timer's progress (projects.services.timers): which notice went out last.
    bidding_notice_stage = models.PositiveSmallIntegerField(
        default=0, verbose_name=_("bidding notice stage")
    )
    # Kept up to date by a PostgreSQL trigger (``SEARCH_VECTOR_TRIGGER``); NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False, verbose_name=_("search vector"))
    # Hidden from everyone but its client and moderators, never deleted: removed by a moderator
    # after a report, or while its client is suspended (lifting the suspension shows it again).
    hidden_at = models.DateTimeField(null=True, blank=True, verbose_name=_("hidden at"))
    hidden_reason = models.CharField(
        max_length=10, choices=HiddenReason.choices, blank=True, verbose_name=_("hidden reason")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("gig")
        verbose_name_plural = _("gigs")
        permissions = [("moderate_gig", gettext_noop("Can approve or reject gigs"))]
        indexes = [
            # The browse page: open public gigs, newest first / closing soon / by budget. Hidden
            # ones are left out, as browse leaves them out: a suspended client's many gigs
            # cost its scan nothing.
            models.Index(
                fields=["-published_at", "-id"],
                name="gig_open_newest",
                condition=BROWSABLE,
            ),
            models.Index(
                fields=["bidding_deadline", "id"],
                name="gig_open_closing",
                condition=BROWSABLE,
            ),
            models.Index(
                fields=["budget", "id"],
                name="gig_open_budget",
                condition=BROWSABLE,
            ),
            models.Index(fields=["client", "-created_at"], name="gig_by_client"),
            # The bidding sweep: open gigs (public or invite-only) by deadline.
            models.Index(
                fields=["bidding_deadline"],
                name="gig_bidding_timer",
                condition=models.Q(status="open"),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(budget__gt=0), name="gig_budget_positive"),
            models.CheckConstraint(
                condition=models.Q(delivery_deadline__gt=models.F("bidding_deadline")),
                name="gig_delivery_after_bidding",
            ),
        ]
        triggers = [SEARCH_VECTOR_TRIGGER]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status in self.PUBLISHED

    @property
    def takes_bids(self) -> bool:
        """Open and before its bidding deadline (``taking_bids`` is the same rule as a query).
        An open gig past its deadline waits for its client's award, or expires."""
        return self.status == self.Status.OPEN and timezone.now() < self.bidding_deadline


class GigInvitation(models.Model):
    """The client asked this freelancer to bid; invite-only gigs take bids from these only."""

    gig = models.ForeignKey(
        Gig, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("gig")
    )
    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="gig_invitations",
        verbose_name=_("freelancer"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["gig", "freelancer"], name="one_invitation_per_gig")
        ]

    def __str__(self) -> str:
        return gettext("%(freelancer)s invited to gig %(gig)s") % {
            "freelancer": self.freelancer,
            "gig": self.gig_id,
        }


def gig_attachment_path(instance: GigAttachment, filename: str) -> str:
    return f"gigs/{instance.gig_id}/{filename}"


class GigAttachment(models.Model):
    gig = models.ForeignKey(
        Gig, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("gig")
    )
    # Private: served only by the permission-checked download view (marketplace.storage).
    file = models.FileField(
        upload_to=gig_attachment_path,
        max_length=300,
        storage=private_storage,
        verbose_name=_("file"),
    )
    original_name = models.CharField(max_length=200, verbose_name=_("original name"))
    original_name_masked = MaskedCopyField(
        of="original_name", author="gig.client_id", verbose_name=_("original name masked")
    )
    content_type = models.CharField(max_length=100, verbose_name=_("content type"))
    size = models.PositiveIntegerField(verbose_name=_("size"))  # bytes
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("gig attachment")
        verbose_name_plural = _("gig attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

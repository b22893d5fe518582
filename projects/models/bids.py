"""Bids: a freelancer's sealed offer on a gig."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.masking import MaskedCopyField
from projects.models.gigs import Gig


class Bid(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SHORTLISTED = "shortlisted", _("shortlisted")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    TRANSITIONS = {
        Status.PENDING: {Status.SHORTLISTED, Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN},
        Status.SHORTLISTED: {Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN},
        Status.ACCEPTED: set(),
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
    }
    # A freelancer may hold one bid in these states per gig (a database constraint).
    LIVE = (Status.PENDING, Status.SHORTLISTED, Status.ACCEPTED)
    # Bids the client can still act on.
    OPEN = (Status.PENDING, Status.SHORTLISTED)
    # The limits a freelancer bids within: the fields below, the API's serializers and the
    # pages' forms all read them (the minimum length is checked where the letter is written).
    DELIVERY_DAYS_MIN, DELIVERY_DAYS_MAX = 1, 90
    COVER_LETTER_MIN_LENGTH, COVER_LETTER_MAX_LENGTH = 20, 3000
    REVISIONS_MAX, REVISIONS_DEFAULT = 10, 2

    gig = models.ForeignKey(
        Gig, on_delete=models.CASCADE, related_name="bids", verbose_name=_("gig")
    )
    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bids",
        verbose_name=_("freelancer"),
    )
    # Whole rupiah: what the client pays. The freelancer receives it less the platform fee.
    amount = models.PositiveBigIntegerField(_("amount (IDR)"))
    delivery_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(DELIVERY_DAYS_MIN), MaxValueValidator(DELIVERY_DAYS_MAX)],
        verbose_name=_("delivery days"),
    )
    cover_letter = models.TextField(
        max_length=COVER_LETTER_MAX_LENGTH, verbose_name=_("cover letter")
    )
    cover_letter_masked = MaskedCopyField(
        of="cover_letter", author="freelancer_id", verbose_name=_("cover letter masked")
    )
    revisions_included = models.PositiveSmallIntegerField(
        default=REVISIONS_DEFAULT,
        validators=[MaxValueValidator(REVISIONS_MAX)],
        verbose_name=_("revisions included"),
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
        verbose_name=_("status"),
    )
    # Set when a moderator removed it after a report: shown to no one but its author and
    # moderators; never deleted (the report and the audit log still point at it).
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))
    # The kinds of contact detail masked in the cover letter (shown to the freelancer).
    contact_flags = models.JSONField(default=list, blank=True, verbose_name=_("contact flags"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        indexes = [
            models.Index(fields=["gig", "-created_at"], name="bid_by_gig"),
            models.Index(fields=["freelancer", "-created_at"], name="bid_by_freelancer"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["gig", "freelancer"],
                condition=models.Q(status__in=["pending", "shortlisted", "accepted"]),
                name="one_live_bid_per_freelancer_per_gig",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="bid_amount_positive"),
        ]

    def __str__(self) -> str:
        return gettext("Bid %(number)s by user %(user)s on gig %(gig)s") % {
            "number": self.pk,
            "user": self.freelancer_id,
            "gig": self.gig_id,
        }

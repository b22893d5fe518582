"""Reviews after a paid contract, and the queue of events that move reputation figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.masking import MaskedCopyField
from projects.models.contracts import Contract


class Review(models.Model):
    """One party's review of the other, double-blind until both are in or the window closes."""

    class Subject(models.TextChoices):
        FREELANCER = "freelancer", _("freelancer")  # written by the client
        CLIENT = "client", _("client")  # written by the freelancer

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("contract")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviews_written",
        verbose_name=_("author"),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviews_received",
        verbose_name=_("subject"),
    )
    subject_role = models.CharField(
        max_length=10, choices=Subject.choices, verbose_name=_("subject role")
    )
    quality = models.PositiveSmallIntegerField(verbose_name=_("quality"))
    communication = models.PositiveSmallIntegerField(verbose_name=_("communication"))
    value = models.PositiveSmallIntegerField(verbose_name=_("value"))
    comment = models.TextField(max_length=2000, verbose_name=_("comment"))
    # Reviews are public: the public never funded anything with the author.
    comment_masked = MaskedCopyField(
        of="comment", author="author_id", verbose_name=_("comment masked")
    )
    # Set when a moderator removed it after a report: shown to no one but its author and
    # moderators and left out of the reputation figures; never deleted.
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # Null while sealed. Nobody but the author sees a review before this is set.
    revealed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revealed at"))
    # Set while the contract's trust signals (projects.trust: the parties may be one person)
    # wait for a moderator, and kept once collusion is confirmed: left out of the reputation
    # figures and the public lists. Cleared (null again) when a moderator finds nothing wrong.
    held_at = models.DateTimeField(null=True, blank=True, verbose_name=_("held at"))
    reply = models.TextField(max_length=2000, blank=True, verbose_name=_("reply"))
    reply_masked = MaskedCopyField(
        of="reply", author="subject_id", verbose_name=_("reply masked")
    )  # the reviewed person's
    replied_at = models.DateTimeField(null=True, blank=True, verbose_name=_("replied at"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["contract", "author"], name="review_once_per_party"),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{score}__gte": 1, f"{score}__lte": 5}),
                    name=f"review_{score}_1_to_5",
                )
                for score in ("quality", "communication", "value")
            ],
        ]
        indexes = [
            # The reveal sweep: only hidden reviews, a small set, are in this index.
            models.Index(
                fields=["created_at"],
                name="review_hidden",
                condition=models.Q(revealed_at__isnull=True),
            ),
            models.Index(
                fields=["subject", "subject_role", "-revealed_at", "-id"],
                name="review_public_by_subject",
                condition=models.Q(revealed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Review of %(user)s on contract %(contract)s") % {
            "user": self.subject,
            "contract": self.contract_id,
        }

    @property
    def points(self) -> int:
        return self.quality + self.communication + self.value


class ReputationEvent(models.Model):
    """An event that may move a user's reputation, written in the event's own transaction.

    The debounced recalculation task consumes these rows: a burst of events for one user makes
    one recalculation, and a lost task message is found again by the periodic sweep.
    """

    class Kind(models.TextChoices):
        REVIEW_REVEALED = "review_revealed", _("review revealed")
        CONTRACT_CLOSED = "contract_closed", _("contract closed")
        REVIEW_REMOVED = "review_removed", _("review removed by a moderator")
        REVIEWS_HELD = "reviews_held", _("reviews held for a moderator's check")
        REVIEWS_CLEARED = "reviews_cleared", _("held reviews cleared by a moderator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    reference = models.CharField(
        max_length=40, verbose_name=_("reference")
    )  # "review:12", "contract:7"
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    processed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("processed at"))

    class Meta:
        verbose_name = _("reputation event")
        verbose_name_plural = _("reputation events")
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                name="reputation_event_pending",
                condition=models.Q(processed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s %(reference)s for user %(user)s") % {
            "kind": self.get_kind_display(),
            "reference": self.reference,
            "user": self.user_id,
        }

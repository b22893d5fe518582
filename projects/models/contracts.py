"""Contracts, their milestones and the message thread between client and freelancer."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.masking import MaskedCopyField
from marketplace.storage import private_storage
from marketplace.text import validate_single_line
from marketplace.timing import days
from projects.models.bids import Bid
from projects.models.gigs import Gig


class Contract(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("completed")
        CANCELLED_BY_CLIENT = "cancelled_by_client", _("cancelled by the client")
        CANCELLED_BY_FREELANCER = "cancelled_by_freelancer", _("cancelled by the freelancer")
        DISPUTE_LOST = "dispute_lost", _("lost in a dispute by the freelancer")

    TRANSITIONS = {
        Status.ACTIVE: {Status.COMPLETED, Status.CANCELLED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
    }

    # One contract per gig and per bid: the database, not only the service, forbids a second.
    gig = models.OneToOneField(
        Gig, on_delete=models.PROTECT, related_name="contract", verbose_name=_("gig")
    )
    bid = models.OneToOneField(
        Bid, on_delete=models.PROTECT, related_name="contract", verbose_name=_("bid")
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="client_contracts",
        verbose_name=_("client"),
    )
    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="freelancer_contracts",
        verbose_name=_("freelancer"),
    )
    amount = models.PositiveBigIntegerField(_("amount (IDR)"))  # whole rupiah, the accepted bid
    revisions_included = models.PositiveSmallIntegerField(verbose_name=_("revisions included"))
    # What the accepted bid promised: its delivery days from the hire. No milestone is due
    # before it (projects.services.contracts.milestones_split): a client cannot shorten the
    # deadline the freelancer agreed to.
    agreed_delivery_at = models.DateTimeField(_("agreed delivery date"))
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.ACTIVE,
        db_index=True,
        verbose_name=_("status"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed at"))
    # How it ended, for the freelancer's completion rate (see docs/reputation.md).
    outcome = models.CharField(
        max_length=24, choices=Outcome.choices, blank=True, verbose_name=_("outcome")
    )
    # Seconds from the hire to the freelancer's first message or delivery on it.
    first_response_seconds = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("first response seconds")
    )
    # The client lets the freelancer show this paid work in their portfolio.
    portfolio_allowed = models.BooleanField(default=False, verbose_name=_("portfolio allowed"))
    # When the first milestone was funded: a contract left unfunded is reminded, then cancelled.
    first_funded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("first funded at"))
    funding_notice_stage = models.PositiveSmallIntegerField(
        default=0, verbose_name=_("funding notice stage")
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [
            models.Index(fields=["client", "-created_at"], name="contract_by_client"),
            models.Index(fields=["freelancer", "status"], name="contract_by_freelancer"),
            # The unfunded-contract sweep: active contracts nobody funded yet, oldest first.
            models.Index(
                fields=["created_at"],
                name="contract_unfunded_timer",
                condition=models.Q(status="active", first_funded_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Contract %(number)s for gig %(gig)s") % {
            "number": self.pk,
            "gig": self.gig_id,
        }


def escrow_reference(milestone_id: int) -> str:
    """What the ledger holds a milestone's escrow for (``payments.services.ledger.escrow``):
    payments knows nothing of milestones, only this reference."""
    return f"milestone:{milestone_id}"


def auto_release_delay() -> timedelta:
    """How long a submission waits for the client before the system releases it."""
    return days(settings.AUTO_RELEASE_DAYS)


class MilestoneQuerySet(models.QuerySet["Milestone"]):
    def auto_release_by(self, moment: datetime) -> MilestoneQuerySet:
        """Submissions whose auto-release moment (``Milestone.auto_release_at``) is at or before
        ``moment``: the sweep passes now to release them, now plus a day to warn the client."""
        return self.filter(
            status=Milestone.Status.SUBMITTED, submitted_at__lte=moment - auto_release_delay()
        )


class Milestone(models.Model):
    """A part of the contract's work and the money held in escrow for it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        FUNDED = "funded", _("funded")
        SUBMITTED = "submitted", _("submitted")
        REVISION_REQUESTED = "revision_requested", _("revision requested")
        RELEASED = "released", _("released")
        DISPUTED = "disputed", _("disputed")
        RESOLVED = "resolved", _("resolved")
        CANCELLED = "cancelled", _("cancelled")

    class Fault(models.TextChoices):
        CLIENT = "client", _("client")
        FREELANCER = "freelancer", _("freelancer")

    TRANSITIONS = {
        Status.PENDING: {Status.FUNDED, Status.CANCELLED},
        Status.FUNDED: {Status.SUBMITTED, Status.DISPUTED, Status.CANCELLED},
        Status.SUBMITTED: {Status.RELEASED, Status.REVISION_REQUESTED, Status.DISPUTED},
        Status.REVISION_REQUESTED: {Status.SUBMITTED, Status.DISPUTED},
        Status.DISPUTED: {Status.RESOLVED},
        Status.RELEASED: set(),
        Status.RESOLVED: set(),
        Status.CANCELLED: set(),
    }

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="milestones", verbose_name=_("contract")
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    # At most a gig's title: a contract's first milestone is named after its gig.
    TITLE_MAX_LENGTH = Gig.TITLE_MAX_LENGTH

    title = models.CharField(
        max_length=TITLE_MAX_LENGTH, validators=[validate_single_line], verbose_name=_("title")
    )
    # The client writes milestone titles (or the gig's title is copied) before any is funded.
    title_masked = MaskedCopyField(
        of="title", author="contract.client_id", verbose_name=_("title masked")
    )
    amount = models.PositiveBigIntegerField(_("amount (IDR)"))  # whole rupiah
    due_at = models.DateTimeField(verbose_name=_("due at"))
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
        verbose_name=_("status"),
    )
    revisions_used = models.PositiveSmallIntegerField(default=0, verbose_name=_("revisions used"))
    funded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("funded at"))
    submitted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("submitted at")
    )  # the latest submission
    first_submitted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("first submitted at")
    )  # for the on-time rate
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    # Seconds from the last submission to the release: the client's approval time.
    approval_seconds = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("approval seconds")
    )
    # Whose doing a cancellation was: the completion rate does not count a client's against
    # the freelancer. An overdue milestone cancelled by the client is the freelancer's.
    cancel_fault = models.CharField(
        max_length=10, choices=Fault.choices, blank=True, verbose_name=_("cancel fault")
    )
    # Timer progress (projects.services.timers): the last due-date notice sent (see DUE_STAGES),
    # and whether the client was warned of the coming auto-release of the latest submission.
    due_notice_stage = models.PositiveSmallIntegerField(
        default=0, verbose_name=_("due notice stage")
    )
    auto_release_warned_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("auto release warned at")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["contract_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "position"], name="milestone_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="milestone_amount_positive"
            ),
        ]
        indexes = [
            # The due-date sweep: funded work whose last notice is not "overdue" yet.
            models.Index(
                fields=["due_at"],
                name="milestone_due_timer",
                condition=models.Q(status="funded", due_notice_stage__lt=3),
            ),
            # The auto-release sweep: submissions waiting for the client, oldest first.
            models.Index(
                fields=["submitted_at"],
                name="milestone_release_timer",
                condition=models.Q(status="submitted"),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Milestone %(number)s of contract %(contract)s") % {
            "number": self.position,
            "contract": self.contract_id,
        }

    @property
    def auto_release_at(self) -> datetime | None:
        """When the system releases the latest submission if the client does nothing; None
        unless the milestone waits for the client (the same moment as
        ``MilestoneQuerySet.auto_release_by``)."""
        if self.status != Milestone.Status.SUBMITTED or self.submitted_at is None:
            return None
        return self.submitted_at + auto_release_delay()


class ContractMessage(models.Model):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="messages", verbose_name=_("contract")
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contract_messages",
        verbose_name=_("sender"),
    )
    body = models.TextField(max_length=5000, blank=True, verbose_name=_("body"))
    # Masked only in a message written before the contract was funded.
    body_masked = MaskedCopyField(of="body", author="sender_id", verbose_name=_("body masked"))
    # Set when a moderator removed it after a report: the thread shows both parties that a
    # message was removed, moderators still read it; never deleted.
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))
    # The kinds of contact detail masked in the body (shown to the sender), checked while the
    # contract was not yet funded.
    contact_flags = models.JSONField(default=list, blank=True, verbose_name=_("contact flags"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["contract", "-created_at"], name="message_thread")]

    def __str__(self) -> str:
        return gettext("Message %(number)s in contract %(contract)s") % {
            "number": self.pk,
            "contract": self.contract_id,
        }


def message_attachment_path(instance: MessageAttachment, filename: str) -> str:
    return f"contracts/{instance.message.contract_id}/messages/{filename}"


class MessageAttachment(models.Model):
    message = models.ForeignKey(
        ContractMessage,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("message"),
    )
    # Private: served only by the permission-checked download view (marketplace.storage).
    file = models.FileField(
        upload_to=message_attachment_path,
        max_length=300,
        storage=private_storage,
        verbose_name=_("file"),
    )
    original_name = models.CharField(max_length=200, verbose_name=_("original name"))
    # A file's name is text the other party reads, masked as the message's body is.
    original_name_masked = MaskedCopyField(
        of="original_name", author="message.sender_id", verbose_name=_("original name masked")
    )
    content_type = models.CharField(max_length=100, verbose_name=_("content type"))
    size = models.PositiveIntegerField(verbose_name=_("size"))  # bytes
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("message attachment")
        verbose_name_plural = _("message attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

"""Reports (flags) people raise on content, and the contact filter's record of hits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    """Someone's flag on a gig, bid, profile, portfolio item, review or message.

    A person has at most one open report per object (a second is the same report); a report
    with no reporter was raised by Garap itself (the contact filter's repeated hits). A
    moderator's resolution settles every open report on the object, and each reporter is told.
    """

    class TargetType(models.TextChoices):
        GIG = "gig", _("gig")
        BID = "bid", _("bid")
        PROFILE = "profile", _("profile")
        PORTFOLIO_ITEM = "portfolio_item", _("portfolio item")
        REVIEW = "review", _("review")
        MESSAGE = "message", _("message")
        SERVICE = "service", _("service")

    class Reason(models.TextChoices):
        SPAM = "spam", _("spam")
        SCAM = "scam", _("scam or fraud")
        OFF_PLATFORM_PAYMENT = "off_platform_payment", _("asks to pay outside Garap")
        PROHIBITED_WORK = "prohibited_work", _("prohibited work")
        ABUSE = "abuse", _("abuse or harassment")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")

    class Outcome(models.TextChoices):
        DISMISSED = "dismissed", _("dismissed: nothing against the rules")
        CONTENT_REMOVED = "content_removed", _("content removed")
        USER_WARNED = "user_warned", _("user warned")
        USER_SUSPENDED = "user_suspended", _("user suspended")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_made",
        verbose_name=_("reporter"),
    )
    target_type = models.CharField(_("object type"), max_length=20, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField(_("object id"))
    # Whose content it is: the person a warning or suspension would apply to.
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reports_received",
        verbose_name=_("target user"),
    )
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        permissions = [("resolve_report", gettext_noop("Can resolve reports and remove content"))]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_type", "target_id"],
                condition=Q(status="open"),
                name="report_one_open_per_reporter",
            ),
            models.UniqueConstraint(
                fields=["target_type", "target_id"],
                condition=Q(status="open", reporter__isnull=True),
                name="report_one_open_automatic",
            ),
        ]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="report_by_target"),
            models.Index(fields=["created_at"], name="report_queue", condition=Q(status="open")),
        ]

    def __str__(self) -> str:
        return gettext("Report %(number)s: %(target)s %(id)s (%(reason)s)") % {
            "number": self.pk,
            "target": self.get_target_type_display(),
            "id": self.target_id,
            "reason": self.get_reason_display(),
        }


class ContactHit(models.Model):
    """The contact filter found contact details in something a user wrote that the other party
    or the public reads (accounts.masking). Counted per author: repeated hits raise a report
    automatically."""

    class Source(models.TextChoices):
        GIG = "gig", _("gig")  # its title, description or a file's name
        BID = "bid", _("bid")
        MESSAGE = "message", _("message")  # its body or a file's name
        MILESTONE = "milestone", _("milestone")
        REVIEW = "review", _("review")  # the review or its reply
        PROFILE = "profile", _("profile")  # source_id: the user's id
        PORTFOLIO_ITEM = "portfolio_item", _("portfolio item")
        SERVICE = "service", _("service")  # its texts, its packages' and its questions

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_hits",
        verbose_name=_("user"),
    )
    source = models.CharField(max_length=20, choices=Source.choices, verbose_name=_("source"))
    source_id = models.PositiveBigIntegerField(verbose_name=_("source id"))
    kinds = models.JSONField(default=list, verbose_name=_("kinds"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("contact-filter hit")
        verbose_name_plural = _("contact-filter hits")
        indexes = [models.Index(fields=["user", "created_at"])]
        constraints = [
            # An edit that keeps the same details is one hit, not one per save.
            models.UniqueConstraint(
                fields=["user", "source", "source_id"], name="contact_hit_once_per_object"
            )
        ]

    def __str__(self) -> str:
        return gettext("User %(user)s: %(source)s %(id)s") % {
            "user": self.user_id,
            "source": self.get_source_display(),
            "id": self.source_id,
        }

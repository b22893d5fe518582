"""The moderators' audit log: who did what to which object, why and when. Append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.append_only import AppendOnlyModel, refuse_changes


class ModeratorAction(AppendOnlyModel):
    """One moderator action. Written by the service that performs it, in its transaction, so an
    action that rolls back leaves no record and a record always means the action happened —
    except ``REFUSED_AS_PARTY``: an attempt on something the staff member is a party to
    (``accounts.staff_policy``), refused and recorded after it rolled back, with the action
    attempted in ``details["attempted"]``."""

    class Action(models.TextChoices):
        APPROVE_GIG = "approve_gig", _("approved a gig")
        REJECT_GIG = "reject_gig", _("rejected a gig")
        APPROVE_SERVICE = "approve_service", _("approved a service")
        REJECT_SERVICE = "reject_service", _("rejected a service")
        RESOLVE_REPORT = "resolve_report", _("resolved a report")
        REMOVE_CONTENT = "remove_content", _("removed content")
        WARN_USER = "warn_user", _("warned a user")
        SUSPEND_USER = "suspend_user", _("suspended a user")
        LIFT_SUSPENSION = "lift_suspension", _("lifted a suspension")
        RESOLVE_DISPUTE = "resolve_dispute", _("settled a dispute")
        MARK_WITHDRAWAL_PAID = "mark_withdrawal_paid", _("marked a withdrawal paid")
        REJECT_WITHDRAWAL = "reject_withdrawal", _("rejected a withdrawal")
        HOLD_WITHDRAWAL = "hold_withdrawal", _("held a withdrawal")
        RELEASE_WITHDRAWAL = "release_withdrawal", _("released a held withdrawal")
        RETRY_WITHDRAWAL = "retry_withdrawal", _("sent a withdrawal's payout again")
        REFUND_DEPOSIT = "refund_deposit", _("refunded a top-up to the payer")
        APPROVE_IDENTITY = "approve_identity", _("approved an identity check")
        REJECT_IDENTITY = "reject_identity", _("rejected an identity check")
        CLEAR_TRUST_SIGNALS = "clear_trust_signals", _("cleared a contract's trust signals")
        CONFIRM_COLLUSION = "confirm_collusion", _("confirmed a contract as collusion")
        REFUSED_AS_PARTY = "refused_as_party", _("was refused: a party to it")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("moderator"),
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    # The object acted on, by model label ("projects.gig") and primary key: the log outlives
    # the object's state and names objects of every app without a foreign key to each.
    target_type = models.CharField(_("object type"), max_length=50)
    target_id = models.PositiveBigIntegerField(_("object id"))
    target_repr = models.CharField(_("object"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("moderator action")
        verbose_name_plural = _("moderator actions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["moderator", "created_at"]),
        ]
        triggers = [refuse_changes("audit")]

    def __str__(self) -> str:
        return gettext("Moderator %(moderator)s %(action)s: %(object)s") % {
            "moderator": self.moderator_id,
            "action": self.get_action_display(),
            "object": self.target_repr,
        }

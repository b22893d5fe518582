"""A contract whose parties may be one person: the signals found, and a moderator's verdict."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.models.contracts import Contract


class TrustCheck(models.Model):
    """Signals that a contract's client and freelancer may be the same person (a "sock" client
    hiring its own freelancer account to write it good reviews), found by ``projects.trust``.

    While ``held``, the contract's reviews count for no one's reputation; a moderator clears
    it (the reviews count) or confirms it (they never count; the accounts are warned or
    suspended). Only contracts with a signal have a row.
    """

    class Signal(models.TextChoices):
        SHARED_ADDRESS = "shared_address", _("both signed up or logged in from one address")
        SHARED_DEVICE = "shared_device", _("both signed up or logged in with one browser")
        SHARED_PAYOUT = "shared_payout", _("both withdrew to the same bank or e-wallet account")
        ROUND_TRIP = "round_trip", _("the freelancer's withdrawal came back as the client's top-up")

    class Status(models.TextChoices):
        HELD = "held", _("held: waiting for a moderator")
        CLEARED = "cleared", _("cleared: the reviews count")
        CONFIRMED = "confirmed", _("confirmed: the reviews never count")

    contract = models.OneToOneField(
        Contract,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="trust_check",
        verbose_name=_("contract"),
    )
    signals = models.JSONField(_("signals"), default=list)  # Signal values
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.HELD, db_index=True
    )
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    note = models.TextField(_("moderator's note"), blank=True)

    class Meta:
        verbose_name = _("trust check")
        verbose_name_plural = _("trust checks")

    def __str__(self) -> str:
        return gettext("Trust check of contract %(number)s (%(status)s)") % {
            "number": self.contract_id,
            "status": self.get_status_display(),
        }

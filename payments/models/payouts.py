"""Where a freelancer's withdrawals are paid out to (DESIGN.md §3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.text import validate_single_line


class PayoutDestination(models.Model):
    """A bank account or an e-wallet of the user's own: its holder is the user's verified
    legal name (``payments.names``), checked when it is added."""

    class Kind(models.TextChoices):
        BANK = "bank", _("bank account")
        EWALLET = "ewallet", _("e-wallet")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="payout_destinations",
        verbose_name=_("user"),
    )
    # A channel code of the payout gateway's (``payments.gateways.payout_channels``).
    channel_code = models.CharField(max_length=30, verbose_name=_("channel code"))
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    account_number = models.CharField(
        max_length=34, validators=[validate_single_line], verbose_name=_("account number")
    )
    holder_name = models.CharField(
        max_length=100, validators=[validate_single_line], verbose_name=_("holder name")
    )
    label = models.CharField(
        max_length=50, blank=True, validators=[validate_single_line], verbose_name=_("label")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("payout destination")
        verbose_name_plural = _("payout destinations")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel_code", "account_number"],
                name="payout_destination_once_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_code} {self.account_number}"

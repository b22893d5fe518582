"""Deposits given back: by finance to the payer's payment method, or taken back by the gateway
(a refund made in its dashboard, a chargeback). See ``payments.services.refunds``
and ``payments.services.chargebacks``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.text import validate_single_line


class DepositRefund(models.Model):
    """One refund of (part of) a paid deposit, and how far the wallet covered it."""

    class Origin(models.TextChoices):
        # Finance asked the gateway to send the money back to the payer.
        FINANCE = "finance", _("refunded by finance")
        # The gateway reported a refund or chargeback Garap did not start.
        GATEWAY = "gateway", _("taken back by the gateway")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        REFUNDED = "refunded", _("refunded")
        FAILED = "failed", _("failed")

    TRANSITIONS = {
        Status.REQUESTED: {Status.REFUNDED, Status.FAILED},
        Status.REFUNDED: set(),
        Status.FAILED: set(),
    }

    deposit = models.ForeignKey(
        "payments.Deposit",
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("deposit"),
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, verbose_name=_("origin"))
    amount = models.PositiveBigIntegerField(verbose_name=_("amount"))  # whole rupiah
    # A gateway's refund: how much came out of the wallet, and how much the wallet no longer
    # held (spent, withdrawn) and the payer owes Garap since (the ledger's "owed:<user>").
    taken_from_wallet = models.PositiveBigIntegerField(
        default=0, verbose_name=_("taken from wallet")
    )
    shortfall = models.PositiveBigIntegerField(default=0, verbose_name=_("shortfall"))
    reason = models.CharField(
        max_length=300, blank=True, validators=[validate_single_line], verbose_name=_("reason")
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.REQUESTED,
        db_index=True,
        verbose_name=_("status"),
    )
    # Sent to the gateway as the refund's own key (Midtrans' refund_key): a retried request is
    # the same refund there. Kept for life: the same key never refunds twice.
    idempotency_key = models.CharField(
        max_length=100, unique=True, verbose_name=_("idempotency key")
    )
    gateway_reference = models.CharField(
        max_length=100, blank=True, verbose_name=_("gateway reference")
    )
    # Why the gateway refused it (for finance; the money went back to the wallet).
    failure = models.CharField(max_length=300, blank=True, verbose_name=_("failure"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed at"))

    class Meta:
        verbose_name = _("deposit refund")
        verbose_name_plural = _("deposit refunds")

    def __str__(self) -> str:
        return gettext("Refund %(number)s of deposit %(deposit)s (%(status)s)") % {
            "number": self.pk,
            "deposit": self.deposit_id,
            "status": self.get_status_display(),
        }

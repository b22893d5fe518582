"""Top-ups through a payment gateway (DESIGN.md §3)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Deposit(models.Model):
    """A top-up through a payment gateway, confirmed only by the gateway's signed webhook."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        PAID = "paid", _("paid")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")

    TRANSITIONS = {
        Status.PENDING: {Status.PAID, Status.FAILED, Status.EXPIRED},
        Status.PAID: set(),
        Status.FAILED: set(),
        Status.EXPIRED: set(),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deposits",
        verbose_name=_("user"),
    )
    amount = models.PositiveBigIntegerField(verbose_name=_("amount"))  # whole rupiah
    provider = models.CharField(max_length=30, verbose_name=_("provider"))
    # Our reference, sent to the gateway and echoed back in its webhook.
    reference = models.CharField(max_length=64, unique=True, verbose_name=_("reference"))
    provider_reference = models.CharField(
        max_length=100, blank=True, verbose_name=_("provider reference")
    )
    # What the payment is for beyond the wallet, as an opaque reference a higher app registered
    # (``payments.purposes``): "milestone:42" funds that milestone as the payment lands. Empty:
    # a plain top-up.
    purpose = models.CharField(max_length=64, blank=True, db_index=True, verbose_name=_("purpose"))
    checkout_url = models.URLField(max_length=500, blank=True, verbose_name=_("checkout url"))
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
        verbose_name=_("status"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed at"))
    # The sandbox gateway's own memory: what the payer chose on its checkout page. Like a real
    # gateway it keeps sending the webhook until we have confirmed the deposit.
    gateway_outcome = models.CharField(max_length=10, blank=True, verbose_name=_("gateway outcome"))
    gateway_outcome_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("gateway outcome at")
    )

    class Meta:
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        indexes = [
            # The sandbox's redelivery sweep: paid or failed at checkout, not yet confirmed.
            models.Index(
                fields=["gateway_outcome_at"],
                name="deposit_unconfirmed",
                condition=models.Q(status="pending", gateway_outcome_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return gettext("Deposit %(reference)s (%(status)s)") % {
            "reference": self.reference,
            "status": self.get_status_display(),
        }

    @property
    def expires_at(self) -> datetime:
        """Until when the gateway takes this payment — and a virtual account number it issued
        for it: every gateway opens its checkout for ``VIRTUAL_ACCOUNT_EXPIRY_HOURS``."""
        return self.created_at + timedelta(hours=settings.VIRTUAL_ACCOUNT_EXPIRY_HOURS)

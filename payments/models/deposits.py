"""Top-ups through a payment gateway (DESIGN.md §3)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
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
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deposits"
    )
    amount = models.PositiveBigIntegerField()  # whole rupiah
    provider = models.CharField(max_length=30)
    # Our reference, sent to the gateway and echoed back in its webhook.
    reference = models.CharField(max_length=64, unique=True)
    provider_reference = models.CharField(max_length=100, blank=True)
    # What the payment is for beyond the wallet, as an opaque reference a higher app registered
    # (``payments.purposes``): "milestone:42" funds that milestone as the payment lands. Empty:
    # a plain top-up.
    purpose = models.CharField(max_length=64, blank=True, db_index=True)
    checkout_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The sandbox gateway's own memory: what the payer chose on its checkout page. Like a real
    # gateway it keeps sending the webhook until we have confirmed the deposit.
    gateway_outcome = models.CharField(max_length=10, blank=True)
    gateway_outcome_at = models.DateTimeField(null=True, blank=True)

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
        return f"Deposit {self.reference} ({self.status})"

    @property
    def expires_at(self) -> datetime:
        """Until when the gateway takes this payment — and a virtual account number it issued
        for it: every gateway opens its checkout for ``VIRTUAL_ACCOUNT_EXPIRY_HOURS``."""
        return self.created_at + timedelta(hours=settings.VIRTUAL_ACCOUNT_EXPIRY_HOURS)

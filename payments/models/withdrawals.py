"""Money out of the wallet, paid by finance staff (DESIGN.md §3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.text import validate_single_line


class Withdrawal(models.Model):
    """Money out to a bank account or e-wallet; it moves to pending at once, staff pay it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        PAID = "paid", _("paid")
        REJECTED = "rejected", _("rejected")

    class Method(models.TextChoices):
        BANK = "bank", _("bank transfer")
        EWALLET = "ewallet", _("e-wallet")

    TRANSITIONS = {
        Status.REQUESTED: {Status.PAID, Status.REJECTED},
        Status.PAID: set(),
        Status.REJECTED: set(),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="withdrawals"
    )
    amount = models.PositiveBigIntegerField()  # whole rupiah
    method = models.CharField(max_length=10, choices=Method.choices)
    # A bank code (e.g. "BCA") or an e-wallet name (e.g. "GOPAY").
    bank_code = models.CharField(max_length=20, validators=[validate_single_line])
    account_number = models.CharField(max_length=34, validators=[validate_single_line])
    holder_name = models.CharField(max_length=100, validators=[validate_single_line])
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    rejection_reason = models.CharField(
        max_length=300, blank=True, validators=[validate_single_line]
    )
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        permissions = [("process_withdrawal", "Can mark withdrawals paid or rejected")]

    def __str__(self) -> str:
        return f"Withdrawal {self.pk} ({self.status})"

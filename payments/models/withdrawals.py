"""Money out of the wallet: through the payout gateway, or paid by finance staff by hand
(DESIGN.md §3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from marketplace.text import validate_single_line
from payments.payout_reasons import failure_message


class Withdrawal(models.Model):
    """Money out to a bank account or e-wallet; it moves to pending at once.

    With a payout gateway (``payments.services.payouts``): *sending* until the gateway has taken
    the payout, *processing* until its webhook says *paid* or *failed* (the money back in the
    wallet; ``payments.services.payout_outcomes``). Without one (the sandbox): *requested* until
    finance marks it paid or rejects it. Finance may *hold* one not yet sent, and release it. A
    paid payout the bank sent back (Xendit's REVERSED) is *returned*: the money is in the wallet
    again.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        SENDING = "sending", _("being sent")
        PROCESSING = "processing", _("processing")
        HELD = "held", _("held by finance")
        PAID = "paid", _("paid")
        FAILED = "failed", _("failed")
        REJECTED = "rejected", _("rejected")
        RETURNED = "returned", _("sent back by the bank")

    class Method(models.TextChoices):
        BANK = "bank", _("bank transfer")
        EWALLET = "ewallet", _("e-wallet")

    # A gateway's webhook may overtake our record of the payout being taken (its answer was
    # lost, or finance held it meanwhile): what the gateway confirms is what happened, so
    # sending and held may end paid or failed too.
    TRANSITIONS = {
        Status.REQUESTED: {Status.PAID, Status.REJECTED, Status.SENDING, Status.HELD},
        Status.SENDING: {Status.PROCESSING, Status.PAID, Status.FAILED, Status.HELD},
        Status.PROCESSING: {Status.PAID, Status.FAILED},
        Status.HELD: {
            Status.SENDING,
            Status.REQUESTED,
            Status.PAID,
            Status.FAILED,
            Status.REJECTED,
        },
        # Paid, then sent back by the bank (a reversal): the gateway has the money again.
        Status.PAID: {Status.RETURNED},
        Status.FAILED: set(),
        Status.REJECTED: set(),
        Status.RETURNED: set(),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="withdrawals",
        verbose_name=_("user"),
    )
    amount = models.PositiveBigIntegerField(verbose_name=_("amount"))  # whole rupiah
    method = models.CharField(max_length=10, choices=Method.choices, verbose_name=_("method"))
    # A bank code (e.g. "BCA") or an e-wallet name (e.g. "GOPAY").
    bank_code = models.CharField(
        max_length=20, validators=[validate_single_line], verbose_name=_("bank code")
    )
    account_number = models.CharField(
        max_length=34, validators=[validate_single_line], verbose_name=_("account number")
    )
    holder_name = models.CharField(
        max_length=100, validators=[validate_single_line], verbose_name=_("holder name")
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.REQUESTED,
        db_index=True,
        verbose_name=_("status"),
    )
    rejection_reason = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        verbose_name=_("rejection reason"),
    )
    # Where it goes (its account details are copied above, for the receipts and the history).
    destination = models.ForeignKey(
        "payments.PayoutDestination",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="withdrawals",
        verbose_name=_("destination"),
    )
    # The payout gateway's channel code ("ID_BCA"); empty for one paid by hand.
    channel_code = models.CharField(max_length=30, blank=True, verbose_name=_("channel code"))
    # Ours for the gateway, kept for life once sending starts: the reference its webhook
    # echoes, and the idempotency key that makes a resend return the first payout.
    payout_reference = models.CharField(
        max_length=40, unique=True, null=True, blank=True, verbose_name=_("payout reference")
    )
    payout_idempotency_key = models.CharField(
        max_length=64, blank=True, verbose_name=_("payout idempotency key")
    )
    # Since when the gateway may know that key: gateways forget keys (Iris after 24 hours), and
    # past PAYOUT_KEY_MAX_AGE_HOURS a resend could be a second payout.
    payout_key_since = models.DateTimeField(
        null=True, blank=True, verbose_name=_("payout key since")
    )
    payout_provider = models.CharField(max_length=30, blank=True, verbose_name=_("payout provider"))
    provider_reference = models.CharField(
        max_length=100, blank=True, verbose_name=_("provider reference")
    )
    # Since when it waits to be sent: the sweep resends one waiting too long (a worker died).
    sending_since = models.DateTimeField(null=True, blank=True, verbose_name=_("sending since"))
    # Since when the gateway has it and no outcome is known: the sweep reads back one whose
    # callback never came (PAYOUT_CONFIRM_AFTER_SECONDS), and moves this on each time the
    # gateway still says pending, so the oldest do not crowd out the rest of the batch.
    payout_checked_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("payout checked at")
    )
    # The gateway's reason code for a failed or returned payout ("INVALID_DESTINATION").
    failure_reason = models.CharField(max_length=100, blank=True, verbose_name=_("failure reason"))
    # Why sending stopped and finance holds it (the gateway refused the request), for finance.
    payout_error = models.CharField(max_length=300, blank=True, verbose_name=_("payout error"))
    hold_reason = models.CharField(
        max_length=300, blank=True, validators=[validate_single_line], verbose_name=_("hold reason")
    )
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("processed by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    processed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("processed at"))

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        permissions = [
            ("process_withdrawal", gettext_noop("Can mark withdrawals paid or rejected"))
        ]
        indexes = [
            models.Index(
                fields=["sending_since"],
                name="withdrawal_sending",
                condition=models.Q(status="sending"),
            ),
            models.Index(
                fields=["payout_checked_at"],
                name="withdrawal_processing",
                condition=models.Q(status="processing"),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Withdrawal %(number)s (%(status)s)") % {
            "number": self.pk,
            "status": self.get_status_display(),
        }

    @property
    def went_to_gateway(self) -> bool:
        """Sent to a payout gateway at least once: only its webhook may close it now (a hand
        "paid" or "rejected" could pay it twice, or pay it and give the money back)."""
        return bool(self.payout_idempotency_key)

    @property
    def failure_message(self) -> str:
        """Why the gateway did not pay it (or sent it back), in words for the freelancer."""
        return str(failure_message(self.failure_reason)) if self.failure_reason else ""

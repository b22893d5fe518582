"""The double-entry ledger, deposits, withdrawals and API idempotency records (DESIGN.md §3).

Every movement of money is one ``LedgerTransaction`` whose ``Entry`` rows sum to zero. Entries
and transactions are append-only: the model layer refuses updates and deletes, and on
PostgreSQL a trigger declared in their ``Meta.triggers`` does too. An ``Account``'s
``balance`` is a cache of the sum of its entries, changed only by ``payments.ledger.post``
under the account's row lock; ``manage.py ledger_audit`` recomputes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# AppendOnlyError is re-exported: callers of the ledger catch it from here.
from marketplace.append_only import AppendOnlyError as AppendOnlyError
from marketplace.append_only import AppendOnlyModel, refuse_changes
from marketplace.text import validate_single_line


class Account(models.Model):
    class Kind(models.TextChoices):
        WALLET = "wallet", _("wallet")
        ESCROW = "escrow", _("escrow")
        PENDING_WITHDRAWAL = "pending_withdrawal", _("pending withdrawal")
        PLATFORM_FEES = "platform_fees", _("platform fees")
        GATEWAY = "gateway", _("payment gateway clearing")
        PAYOUTS = "payouts", _("payouts clearing")

    # Where money enters or leaves Garap: these may go below zero (money the outside world
    # sent in); every other account never does.
    EXTERNAL = (Kind.GATEWAY, Kind.PAYOUTS)

    kind = models.CharField(max_length=30, choices=Kind.choices)
    # e.g. "wallet:42", "escrow:milestone:17", "platform:fees", "gateway:sandbox".
    reference = models.CharField(max_length=100, unique=True)
    # The user whose money it is: the wallet's holder, the client who funded an escrow.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
    )
    # Whole rupiah; the sum of this account's entries, kept in step under a row lock.
    balance = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        indexes = [models.Index(fields=["owner", "kind"], name="account_by_owner")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0) | models.Q(kind__in=["gateway", "payouts"]),
                name="account_balance_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class LedgerTransaction(AppendOnlyModel):
    """One movement of money: two or more entries summing to zero, posted once per key."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("top-up")
        FUND = "fund", _("milestone funded")
        RELEASE = "release", _("milestone released")
        REFUND = "refund", _("milestone refunded")
        RESOLVE = "resolve", _("dispute resolved")
        WITHDRAWAL_REQUEST = "withdrawal_request", _("withdrawal requested")
        WITHDRAWAL_PAID = "withdrawal_paid", _("withdrawal paid")
        WITHDRAWAL_REJECTED = "withdrawal_rejected", _("withdrawal returned")

    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    # The same key posts once: a retried request, task or webhook cannot move money twice.
    idempotency_key = models.CharField(max_length=150, unique=True)
    # What the money moved for, e.g. "milestone:17", "deposit:9", "withdrawal:3".
    reference = models.CharField(max_length=100, db_index=True)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        triggers = [refuse_changes("ledger")]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class Entry(AppendOnlyModel):
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    # Whole rupiah, signed: positive adds to the account's balance, negative takes from it.
    amount = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["account", "-id"], name="entry_by_account")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="entry_amount_not_zero")
        ]
        triggers = [refuse_changes("ledger")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount:+d}"


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


class IdempotencyRecord(models.Model):
    """The first response to a money-moving request sent with an ``Idempotency-Key`` header."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    # Method and path, and a hash of the body: the same key for another request is refused.
    endpoint = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    # Written in the transaction of the work itself (payments.idempotency): a row exists only
    # once its request succeeded.
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"

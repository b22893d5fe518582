"""The double-entry ledger: accounts, transactions and their entries (DESIGN.md §3).

Every movement of money is one ``LedgerTransaction`` whose ``Entry`` rows sum to zero. Entries
and transactions are append-only: the model layer refuses updates and deletes, and on
PostgreSQL a trigger declared in their ``Meta.triggers`` does too. An ``Account``'s
``balance`` is a cache of the sum of its entries, changed only by ``payments.services.ledger.post``
under the account's row lock; ``manage.py ledger_audit`` recomputes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# AppendOnlyError is re-exported: callers of the ledger catch it from here.
from marketplace.append_only import AppendOnlyError as AppendOnlyError
from marketplace.append_only import AppendOnlyModel, refuse_changes


class Account(models.Model):
    class Kind(models.TextChoices):
        WALLET = "wallet", _("wallet")
        ESCROW = "escrow", _("escrow")
        PENDING_WITHDRAWAL = "pending_withdrawal", _("pending withdrawal")
        PLATFORM_FEES = "platform_fees", _("platform fees")
        GATEWAY = "gateway", _("payment gateway clearing")
        PAYOUTS = "payouts", _("payouts clearing")
        # Refunds finance asked a gateway for, out of the wallet, until the gateway answers.
        REFUNDS_PENDING = "refunds_pending", _("refunds pending")
        # What a user owes Garap: a chargeback took back more than their wallet still held.
        # Its balance is minus the debt, and only ever goes back up to zero.
        OWED = "owed", _("owed by the user")

    # Where money enters or leaves Garap: these may go below zero (money the outside world
    # sent in, or a user's debt to Garap); every other account never does.
    EXTERNAL = (Kind.GATEWAY, Kind.PAYOUTS, Kind.OWED)

    kind = models.CharField(max_length=30, choices=Kind.choices, verbose_name=_("kind"))
    # e.g. "wallet:42", "escrow:milestone:17", "platform:fees", "gateway:sandbox".
    reference = models.CharField(max_length=100, unique=True, verbose_name=_("reference"))
    # The user whose money it is: the wallet's holder, the client who funded an escrow.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
        verbose_name=_("owner"),
    )
    # Whole rupiah; the sum of this account's entries, kept in step under a row lock.
    balance = models.BigIntegerField(default=0, verbose_name=_("balance"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        indexes = [models.Index(fields=["owner", "kind"], name="account_by_owner")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0)
                | models.Q(kind__in=["gateway", "payouts", "owed"]),
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
        DEPOSIT_REFUND_REQUESTED = "deposit_refund_requested", _("top-up refund requested")
        DEPOSIT_REFUND_PAID = "deposit_refund_paid", _("top-up refunded")
        DEPOSIT_REFUND_RETURNED = "deposit_refund_returned", _("top-up refund returned")
        CHARGEBACK = "chargeback", _("top-up taken back by the gateway")
        OWED_SETTLED = "owed_settled", _("debt to Garap settled")
        # A paid payout the bank sent back: from the payouts account to the wallet again.
        WITHDRAWAL_REVERSED = "withdrawal_reversed", _("payout sent back by the bank")

    kind = models.CharField(
        max_length=30, choices=Kind.choices, db_index=True, verbose_name=_("kind")
    )
    # The same key posts once: a retried request, task or webhook cannot move money twice.
    idempotency_key = models.CharField(
        max_length=150, unique=True, verbose_name=_("idempotency key")
    )
    # What the money moved for, e.g. "milestone:17", "deposit:9", "withdrawal:3".
    reference = models.CharField(max_length=100, db_index=True, verbose_name=_("reference"))
    description = models.CharField(max_length=200, blank=True, verbose_name=_("description"))
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        triggers = [refuse_changes("ledger")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class Entry(AppendOnlyModel):
    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("transaction"),
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="entries", verbose_name=_("account")
    )
    # Whole rupiah, signed: positive adds to the account's balance, negative takes from it.
    amount = models.BigIntegerField(verbose_name=_("amount"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

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

"""API shapes for wallets, deposits, withdrawals and gateway webhooks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from marketplace.api.strict import StrictSerializer
from marketplace.text import validate_single_line
from payments.models import Deposit, LedgerTransaction, Withdrawal


class WalletSerializer(serializers.Serializer[Any]):
    currency = serializers.CharField()
    available = serializers.IntegerField(help_text="Whole rupiah you can spend or withdraw.")
    in_escrow = serializers.IntegerField(help_text="Whole rupiah you funded, held for work.")
    pending_withdrawal = serializers.IntegerField(help_text="Whole rupiah on its way out.")


class WalletEntrySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="Whole rupiah, signed: + in, − out.")
    kind = serializers.ChoiceField(
        source="transaction.kind", choices=LedgerTransaction.Kind.choices
    )
    meaning = serializers.CharField(source="transaction.get_kind_display")
    reference = serializers.CharField(source="transaction.reference")
    created_at = serializers.DateTimeField()


class DepositSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="Whole rupiah.")
    provider = serializers.CharField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Deposit.Status.choices)
    checkout_url = serializers.URLField(help_text="Send the payer here to pay.")
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)


class DepositCreateSerializer(StrictSerializer):
    amount = serializers.IntegerField(
        min_value=settings.DEPOSIT_MIN_AMOUNT,
        max_value=settings.DEPOSIT_MAX_AMOUNT,
        help_text="Whole rupiah.",
    )


class WithdrawalSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="Whole rupiah.")
    method = serializers.ChoiceField(choices=Withdrawal.Method.choices)
    bank_code = serializers.CharField()
    account_number = serializers.CharField()
    holder_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Withdrawal.Status.choices)
    rejection_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    processed_at = serializers.DateTimeField(allow_null=True)


class WithdrawalCreateSerializer(StrictSerializer):
    amount = serializers.IntegerField(
        min_value=settings.WITHDRAWAL_MIN_AMOUNT,
        max_value=settings.DEPOSIT_MAX_AMOUNT * 10,
        help_text="Whole rupiah, at least WITHDRAWAL_MIN_AMOUNT.",
    )
    method = serializers.ChoiceField(choices=Withdrawal.Method.choices)
    bank_code = serializers.RegexField(
        r"^[A-Za-z0-9]{2,20}$", help_text="A bank code such as BCA, or an e-wallet: GOPAY, OVO."
    )
    account_number = serializers.RegexField(r"^[0-9]{5,34}$", help_text="Digits only.")
    holder_name = serializers.CharField(
        validators=[validate_single_line], min_length=2, max_length=100
    )


class SandboxWebhookSerializer(serializers.Serializer[Any]):
    """The sandbox gateway's webhook body; signed in the X-Sandbox-Signature header."""

    event_id = serializers.CharField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=["paid", "failed"])
    amount = serializers.IntegerField(min_value=1)


class WebhookAckSerializer(serializers.Serializer[Any]):
    status = serializers.CharField()

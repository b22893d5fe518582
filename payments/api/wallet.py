"""API views of the wallet's balances and its history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.pagination import PageQuerySerializer, page_of
from payments.api.pagination import page_response
from payments.models import LedgerTransaction
from payments.selectors import wallet as selectors


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


@extend_schema(tags=["wallet"])
class WalletApi(APIView):
    @extend_schema(responses=WalletSerializer)
    def get(self, request: SignedInRequest) -> Response:
        summary = selectors.wallet_summary(user=request.user)
        return Response(WalletSerializer({"currency": settings.CURRENCY, **summary.__dict__}).data)


@extend_schema(tags=["wallet"])
class WalletTransactionsApi(APIView):
    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(WalletEntrySerializer))
    def get(self, request: SignedInRequest) -> Response:
        return page_response(
            self, request, selectors.wallet_entries(user=request.user), WalletEntrySerializer
        )

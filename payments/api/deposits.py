"""API views of top-ups: the list, and starting one at the gateway."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.pagination import PageQuerySerializer, page_of
from marketplace.api.rupiah import RupiahAmountField
from marketplace.api.strict import StrictSerializer
from payments.api.idempotency import idempotent, key_parameter
from payments.api.pagination import page_response
from payments.models import Deposit
from payments.selectors import wallet as selectors
from payments.services import deposits as services


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
    amount = RupiahAmountField(
        min_value=settings.DEPOSIT_MIN_AMOUNT,
        max_value=settings.DEPOSIT_MAX_AMOUNT,
        help_text="Whole rupiah.",
    )


@extend_schema(tags=["wallet"])
class DepositsApi(APIView):
    extra_error_codes = ["402", "422"]

    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(DepositSerializer))
    def get(self, request: SignedInRequest) -> Response:
        return page_response(
            self, request, selectors.deposit_list(user=request.user), DepositSerializer
        )

    @extend_schema(
        parameters=[key_parameter()],
        request=DepositCreateSerializer,
        responses={201: DepositSerializer},
    )
    def post(self, request: SignedInRequest) -> Response:
        """Start a top-up; pay at ``checkout_url``. The wallet is credited by the gateway's
        webhook, not by this call."""

        def create() -> Response:
            serializer = DepositCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            deposit = services.deposit_create(user=request.user, **serializer.validated_data)
            return Response(DepositSerializer(deposit).data, status=status.HTTP_201_CREATED)

        return idempotent(request, create)

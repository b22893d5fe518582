"""API views of withdrawals: the list, and asking for one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.pagination import PageQuerySerializer, page_of
from marketplace.api.strict import StrictSerializer
from marketplace.text import validate_single_line
from payments.api.idempotency import idempotent, key_parameter
from payments.api.pagination import page_response
from payments.models import Withdrawal
from payments.selectors import wallet as selectors
from payments.services import withdrawals as services


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


@extend_schema(tags=["wallet"])
class WithdrawalsApi(APIView):
    extra_error_codes = ["402", "422"]

    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(WithdrawalSerializer))
    def get(self, request: SignedInRequest) -> Response:
        return page_response(
            self, request, selectors.withdrawal_list(user=request.user), WithdrawalSerializer
        )

    @extend_schema(
        parameters=[key_parameter()],
        request=WithdrawalCreateSerializer,
        responses={201: WithdrawalSerializer},
    )
    def post(self, request: SignedInRequest) -> Response:
        """Withdraw to a bank account or e-wallet; the amount leaves the wallet at once."""

        def create() -> Response:
            serializer = WithdrawalCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            withdrawal = services.withdrawal_request(user=request.user, **serializer.validated_data)
            return Response(WithdrawalSerializer(withdrawal).data, status=status.HTTP_201_CREATED)

        return idempotent(request, create)

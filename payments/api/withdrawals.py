"""API views of withdrawals: the list, and asking for one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.pagination import PageQuerySerializer, page_of
from marketplace.api.rupiah import RupiahAmountField
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
    destination = serializers.IntegerField(source="destination_id", allow_null=True)
    status = serializers.ChoiceField(choices=Withdrawal.Status.choices)
    rejection_reason = serializers.CharField()
    failure_reason = serializers.CharField(help_text="The gateway's code for a failed payout.")
    created_at = serializers.DateTimeField()
    processed_at = serializers.DateTimeField(allow_null=True)


LEGACY_FIELDS = ("method", "bank_code", "account_number", "holder_name")


class WithdrawalCreateSerializer(StrictSerializer):
    """Either ``destination`` (one of GET /me/payout-destinations/), or — only on a site whose
    finance pays by hand — the account typed in (method, bank_code, account_number,
    holder_name), as before payout destinations existed."""

    amount = RupiahAmountField(
        min_value=settings.WITHDRAWAL_MIN_AMOUNT,
        max_value=settings.DEPOSIT_MAX_AMOUNT * 10,
        help_text="Whole rupiah, at least WITHDRAWAL_MIN_AMOUNT.",
    )
    destination = serializers.IntegerField(
        required=False, min_value=1, help_text="A payout destination's id."
    )
    method = serializers.ChoiceField(choices=Withdrawal.Method.choices, required=False)
    bank_code = serializers.RegexField(
        r"^[A-Za-z0-9]{2,20}$",
        required=False,
        help_text="A bank code such as BCA, or an e-wallet: GOPAY, OVO.",
    )
    account_number = serializers.RegexField(
        r"^[0-9]{5,34}$", required=False, help_text="Digits only."
    )
    holder_name = serializers.CharField(
        validators=[validate_single_line], min_length=2, max_length=100, required=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "destination" in attrs:
            extra = [name for name in LEGACY_FIELDS if name in attrs]
            if extra:
                raise serializers.ValidationError(
                    {name: [_("Not with a destination.")] for name in extra}
                )
            return attrs
        missing = [name for name in LEGACY_FIELDS if name not in attrs]
        if missing:
            raise serializers.ValidationError(
                {name: [_("This field is required.")] for name in missing}
            )
        return attrs


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
        """Withdraw to a payout destination; the amount leaves the wallet at once and is paid
        out through the payment gateway (or by finance, on a site without payouts)."""

        def create() -> Response:
            serializer = WithdrawalCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            if "destination" in data:
                withdrawal = services.withdrawal_request_to(
                    user=request.user, amount=data["amount"], destination_id=data["destination"]
                )
            else:
                withdrawal = services.withdrawal_request(user=request.user, **data)
            return Response(WithdrawalSerializer(withdrawal).data, status=status.HTTP_201_CREATED)

        return idempotent(request, create)

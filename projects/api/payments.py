"""Pay and fund in one step (``projects.services.milestone_payments``): the client pays a pending
milestone — from the wallet when it holds enough, else at the gateway for what is missing."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from payments import gateways
from payments.api.deposits import DepositSerializer
from payments.api.idempotency import idempotent, key_parameter
from payments.models import Deposit
from projects.api.shared import MilestoneSerializer
from projects.services.milestone_payments import MilestonePayment, milestone_pay


class PaymentMethodSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text='e.g. "bca_va", "qris", "gopay".')
    name = serializers.CharField(source="label", help_text="What the payer sees.")
    kind = serializers.ChoiceField(choices=["virtual_account", "qris", "ewallet", "card"])


class OpenPaymentSerializer(DepositSerializer):
    expires_at = serializers.SerializerMethodField(
        help_text="Until when the checkout (and a virtual account number it issues) is payable."
    )
    payment_methods = serializers.SerializerMethodField(
        help_text="How the gateway's checkout lets the client pay, in the order it shows them."
    )

    @extend_schema_field(serializers.DateTimeField())
    def get_expires_at(self, deposit: Deposit) -> str:
        return serializers.DateTimeField().to_representation(deposit.expires_at)

    @extend_schema_field(PaymentMethodSerializer(many=True))
    def get_payment_methods(self, deposit: Deposit) -> list[dict[str, str]]:
        gateway = gateways.GATEWAYS.get(deposit.provider)
        methods = gateway.payment_methods if gateway else ()
        return [PaymentMethodSerializer(method).data for method in methods]


class MilestonePaymentSerializer(serializers.Serializer[Any]):
    milestone = MilestoneSerializer()
    payment = OpenPaymentSerializer(
        allow_null=True,
        help_text=(
            "The payment opened at the gateway: send the client to its checkout_url; the "
            "milestone is funded when the gateway confirms it. Null: the wallet covered the "
            "amount and the milestone is funded."
        ),
    )


@extend_schema(
    tags=["milestones"],
    request=None,
    responses=MilestonePaymentSerializer,
    parameters=[key_parameter()],
)
class MilestonePayApi(APIView):
    extra_error_codes = ["422"]

    def post(self, request: SignedInRequest, milestone_id: int) -> Response:
        """Pay the milestone: from the wallet if it holds the amount, else what is missing at
        the gateway (at least the gateway's minimum; any rest stays in the wallet)."""

        def pay() -> Response:
            payment: MilestonePayment = milestone_pay(milestone_id=milestone_id, actor=request.user)
            body = {"milestone": payment.milestone, "payment": payment.deposit}
            return Response(MilestonePaymentSerializer(body, context={"request": request}).data)

        return idempotent(request, pay)

"""The payment gateways' webhooks: called by a gateway, not by people."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api.errors import error_body
from marketplace.errors import NotFound
from marketplace.request_guard import JSONParser
from payments import gateways
from payments.services.deposits import deposit_complete
from payments.services.payout_outcomes import payout_settle


class SandboxWebhookSerializer(serializers.Serializer[Any]):
    """The sandbox gateway's webhook body; signed in the X-Sandbox-Signature header."""

    event_id = serializers.CharField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=["paid", "failed"])
    amount = serializers.IntegerField(min_value=1)


class WebhookAckSerializer(serializers.Serializer[Any]):
    status = serializers.CharField()


@extend_schema(tags=["payments"])
class PaymentWebhookApi(APIView):
    """Called by a payment gateway, not by people: authenticated by its signature."""

    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(request=SandboxWebhookSerializer, responses={200: WebhookAckSerializer}, auth=[])
    def post(self, request: Request, provider: str) -> Response:
        gateway = gateways.get(provider)
        if gateway is None:
            raise NotFound(_("Unknown payment gateway."))
        try:
            event = gateway.parse_webhook(request.body, dict(request.headers))
        except gateways.InvalidWebhook:
            return Response(
                error_body("invalid_signature", _("The webhook signature or body is invalid.")),
                status=status.HTTP_400_BAD_REQUEST,
            )
        # What money moves on is the gateway's own API's answer, not the webhook's body (the
        # sandbox is its own API). Unreachable: GatewayUnavailable, a 503, and the gateway sends
        # the webhook again later.
        confirmed = gateway.confirm(event)
        if confirmed.reference != event.reference:
            return Response(
                error_body("invalid_signature", _("The webhook signature or body is invalid.")),
                status=status.HTTP_400_BAD_REQUEST,
            )
        deposit_complete(
            provider=provider,
            reference=confirmed.reference,
            status=confirmed.status,
            amount=confirmed.amount,
            currency=confirmed.currency,
            refunded=confirmed.refunded,
        )
        return Response({"status": "ok"})


def _invalid() -> Response:
    return Response(
        error_body("invalid_signature", _("The webhook signature or body is invalid.")),
        status=status.HTTP_400_BAD_REQUEST,
    )


@extend_schema(tags=["payments"])
class PayoutWebhookApi(APIView):
    """Called by the payout gateway when a payout is paid, failed or sent back: verified, then
    read back through the gateway's API, which is what the ledger moves on. A replay moves
    nothing."""

    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(request=None, responses={200: WebhookAckSerializer}, auth=[])
    def post(self, request: Request, provider: str) -> Response:
        gateway = gateways.payout_gateway_named(provider)
        if gateway is None:
            raise NotFound(_("Unknown payment gateway."))
        try:
            event = gateway.parse_payout_webhook(request.body, dict(request.headers))
            # Unreachable: GatewayUnavailable, a 503, and the gateway sends it again later.
            payout_settle(gateway, event)
        except gateways.InvalidWebhook:
            return _invalid()
        return Response({"status": "ok"})

"""API views of the wallet: balances, history, top-ups, withdrawals, gateway webhooks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.errors import error_body
from marketplace.api.pagination import CursorPagination, PageQuerySerializer, page_of
from marketplace.errors import NotFound
from marketplace.request_guard import JSONParser
from payments import gateways, selectors, services
from payments.idempotency_api import idempotent, key_parameter
from payments.serializers import (
    DepositCreateSerializer,
    DepositSerializer,
    SandboxWebhookSerializer,
    WalletEntrySerializer,
    WalletSerializer,
    WebhookAckSerializer,
    WithdrawalCreateSerializer,
    WithdrawalSerializer,
)


def _page(view: APIView, request: Request, queryset: Any, serializer_class: Any) -> Response:
    paginator = CursorPagination()
    paginator.ordering = ("-created_at", "-id")
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


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
        return _page(
            self, request, selectors.wallet_entries(user=request.user), WalletEntrySerializer
        )


@extend_schema(tags=["wallet"])
class DepositsApi(APIView):
    extra_error_codes = ["402", "422"]

    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(DepositSerializer))
    def get(self, request: SignedInRequest) -> Response:
        return _page(self, request, selectors.deposit_list(user=request.user), DepositSerializer)

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


@extend_schema(tags=["wallet"])
class WithdrawalsApi(APIView):
    extra_error_codes = ["402", "422"]

    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(WithdrawalSerializer))
    def get(self, request: SignedInRequest) -> Response:
        return _page(
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
        services.deposit_complete(
            provider=provider, reference=event.reference, status=event.status, amount=event.amount
        )
        return Response({"status": "ok"})

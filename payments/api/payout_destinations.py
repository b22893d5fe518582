"""API of one's payout destinations: the bank accounts and e-wallets withdrawals go to."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.strict import StrictSerializer
from marketplace.text import validate_single_line
from payments import gateways
from payments.models import PayoutDestination
from payments.services import payout_destinations as services


class PayoutChannelSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment] # the field's name, not its label
    kind = serializers.ChoiceField(choices=PayoutDestination.Kind.choices)


class PayoutDestinationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    channel_code = serializers.CharField()
    kind = serializers.ChoiceField(choices=PayoutDestination.Kind.choices)
    account_number = serializers.CharField()
    holder_name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment] # the field's name, not its label
    created_at = serializers.DateTimeField()


class PayoutDestinationListSerializer(serializers.Serializer[Any]):
    results = PayoutDestinationSerializer(many=True)
    channels = PayoutChannelSerializer(many=True, help_text="Where payouts can go, to add one.")


class PayoutDestinationCreateSerializer(StrictSerializer):
    channel_code = serializers.RegexField(
        r"^[A-Za-z0-9_]{2,30}$", help_text="One of the listed channels' codes."
    )
    account_number = serializers.RegexField(
        r"^[0-9]{5,34}$", help_text="Digits only; an e-wallet's phone number."
    )
    holder_name = serializers.CharField(
        validators=[validate_single_line],
        min_length=2,
        max_length=100,
        help_text="Must be your verified legal name (case, spacing and punctuation aside).",
    )
    label = serializers.CharField(  # type: ignore[assignment] # the field's name, not its label
        validators=[validate_single_line], max_length=50, required=False, allow_blank=True
    )


@extend_schema(tags=["wallet"])
class PayoutDestinationsApi(APIView):
    extra_error_codes = ["403", "409", "503"]

    @extend_schema(responses=PayoutDestinationListSerializer)
    def get(self, request: SignedInRequest) -> Response:
        destinations = services.destination_list(user=request.user)
        return Response(
            {
                "results": PayoutDestinationSerializer(destinations, many=True).data,
                "channels": PayoutChannelSerializer(gateways.payout_channels(), many=True).data,
            }
        )

    @extend_schema(
        request=PayoutDestinationCreateSerializer, responses={201: PayoutDestinationSerializer}
    )
    def post(self, request: SignedInRequest) -> Response:
        """Add a bank account or e-wallet in your verified name (an approved identity first)."""
        serializer = PayoutDestinationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        destination = services.destination_add(user=request.user, **serializer.validated_data)
        return Response(
            PayoutDestinationSerializer(destination).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=["wallet"])
class PayoutDestinationApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: SignedInRequest, destination_id: int) -> Response:
        """Remove it; past withdrawals keep their copy of the account."""
        services.destination_remove(user=request.user, destination_id=destination_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

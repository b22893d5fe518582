"""Clients: the record freelancers read before bidding (docs/reputation.md), and one's own
client profile."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import ClientProfile
from accounts.requests import SignedInRequest
from marketplace.api.strict import StrictSerializer
from marketplace.text import validate_single_line


class ClientRecordSerializer(serializers.Serializer):
    """What freelancers see about a client before bidding (docs/reputation.md)."""

    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.public_name")
    shop_name = serializers.CharField()
    email_verified = serializers.SerializerMethodField()
    member_since = serializers.DateTimeField(source="user.date_joined")
    gigs_posted = serializers.IntegerField()
    hires = serializers.IntegerField()
    hire_rate = serializers.FloatField(
        allow_null=True, help_text="Hires ÷ gigs whose bidding ended."
    )
    avg_approval_seconds = serializers.IntegerField(
        allow_null=True, help_text="Mean time from a delivery to its release."
    )
    dispute_rate = serializers.FloatField(
        allow_null=True, help_text="Contracts with a dispute ÷ contracts."
    )
    revisions_per_milestone = serializers.FloatField(allow_null=True)
    rating_average = serializers.FloatField(allow_null=True, help_text="From freelancers' reviews.")
    rating_count = serializers.IntegerField()
    updated_at = serializers.DateTimeField(source="figures_computed_at", allow_null=True)

    def get_email_verified(self, profile: ClientProfile) -> bool:
        return profile.user.email_verified_at is not None


class ClientProfileWriteSerializer(StrictSerializer):
    shop_name = serializers.CharField(
        validators=[validate_single_line], max_length=80, allow_blank=True
    )


@extend_schema(tags=["profiles"])
class ClientRecordApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=ClientRecordSerializer)
    def get(self, request: Request, username: str) -> Response:
        return Response(ClientRecordSerializer(selectors.client_record_get(username=username)).data)


@extend_schema(tags=["profiles"])
class MyClientProfileApi(APIView):
    @extend_schema(responses=ClientRecordSerializer)
    def get(self, request: Request) -> Response:
        profile = selectors.client_record_get(username=request.user.username)
        return Response(ClientRecordSerializer(profile).data)

    @extend_schema(request=ClientProfileWriteSerializer, responses=ClientRecordSerializer)
    def put(self, request: SignedInRequest) -> Response:
        serializer = ClientProfileWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.client_profile_update(user=request.user, **serializer.validated_data)
        profile = selectors.client_record_get(username=request.user.username)
        return Response(ClientRecordSerializer(profile).data)

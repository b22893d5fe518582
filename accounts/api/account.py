"""The signed-in user's own account: reading and editing it, and asking for the e-mail that
confirms its address."""

from __future__ import annotations

from django.utils.translation import ngettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.shared import UserSerializer
from accounts.requests import SignedInRequest
from accounts.throttles import AuthRateThrottle
from marketplace.errors import RateLimited


class MeApi(APIView):
    @extend_schema(responses=UserSerializer, tags=["account"])
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)

    @extend_schema(request=UserSerializer(partial=True), responses=UserSerializer, tags=["account"])
    def patch(self, request: SignedInRequest) -> Response:
        serializer = UserSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, **serializer.validated_data)
        return Response(UserSerializer(user).data)


@extend_schema(tags=["account"])
class EmailVerificationSendApi(APIView):
    throttle_classes = [AuthRateThrottle]  # each call sends an e-mail

    @extend_schema(request=None, responses={202: None})
    def post(self, request: SignedInRequest) -> Response:
        """E-mail a confirmation link (at most ``ACCOUNT_EMAIL_RATE`` per address: then 429)."""
        wait = services.email_verification_send(user=request.user)
        if wait:
            raise RateLimited(
                ngettext(
                    "We sent you links a moment ago. Wait %(seconds)d second for another one.",
                    "We sent you links a moment ago. Wait %(seconds)d seconds for another one.",
                    wait,
                )
                % {"seconds": wait},
                retry_after=wait,
            )
        return Response(status=status.HTTP_202_ACCEPTED)

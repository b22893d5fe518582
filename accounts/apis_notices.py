"""Which notices a user receives by e-mail (every notice is always in the app): the kinds
every app registered with an e-mail preference (``accounts.notices``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.notices import email_optional_kinds
from accounts.requests import SignedInRequest
from accounts.services import notification_preferences_update
from marketplace.api.strict import StrictSerializer


def _optional_codes() -> list[str]:
    """Every kind a user may choose not to have e-mailed, sorted; the moderators' decisions
    are always e-mailed and have no preference."""
    return sorted(kind.code for kind in email_optional_kinds())


class NotificationPreferencesSerializer(StrictSerializer):
    email = serializers.DictField(
        child=serializers.BooleanField(),
        help_text="Notice kind → whether it is also e-mailed. Kinds left out are e-mailed.",
    )

    def validate_email(self, value: dict) -> dict:
        known = _optional_codes()
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise serializers.ValidationError(
                f"Unknown notice kinds: {', '.join(unknown)}. Known: {', '.join(known)}."
            )
        return value


def _preferences(user) -> dict:
    muted = set(user.email_muted_kinds or [])
    return {"email": {kind: kind not in muted for kind in _optional_codes()}}


@extend_schema(tags=["notifications"])
class NotificationPreferencesApi(APIView):
    @extend_schema(responses=NotificationPreferencesSerializer)
    def get(self, request: Request) -> Response:
        return Response(_preferences(request.user))

    @extend_schema(
        request=NotificationPreferencesSerializer, responses=NotificationPreferencesSerializer
    )
    def put(self, request: SignedInRequest) -> Response:
        serializer = NotificationPreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"]
        user = notification_preferences_update(
            user=request.user, muted_kinds=[kind for kind, on in email.items() if not on]
        )
        return Response(_preferences(user))

"""The signed-in user's notifications: the list, the unread count, marking one read, and which
notices they also receive by e-mail (every notice is always in the app): the kinds every app
registered with an e-mail preference (``accounts.notices``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.notices import email_optional_kinds
from accounts.requests import SignedInRequest
from marketplace.api.pagination import page_of, paginate
from marketplace.api.query import validated_query
from marketplace.api.strict import StrictSerializer


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


@extend_schema(tags=["notifications"])
class NotificationListApi(APIView):
    @extend_schema(
        parameters=[NotificationQuerySerializer], responses=page_of(NotificationSerializer)
    )
    def get(self, request: SignedInRequest) -> Response:
        query = validated_query(NotificationQuerySerializer, request)
        notifications = selectors.notification_list(user=request.user)
        if query["unread"]:
            notifications = notifications.filter(read_at__isnull=True)
        return paginate(self, request, notifications, NotificationSerializer)


@extend_schema(tags=["notifications"])
class NotificationUnreadCountApi(APIView):
    @extend_schema(responses=UnreadCountSerializer)
    def get(self, request: SignedInRequest) -> Response:
        return Response({"unread": selectors.notification_unread_count(user=request.user)})


@extend_schema(tags=["notifications"], request=None, responses=NotificationSerializer)
class NotificationReadApi(APIView):
    def post(self, request: SignedInRequest, notification_id: int) -> Response:
        notification = selectors.notification_get(
            user=request.user, notification_id=notification_id
        )
        notification = services.notification_mark_read(notification=notification)
        return Response(NotificationSerializer(notification).data)


# --- which notices are e-mailed ----------------------------------------------------------------


def _optional_codes(user) -> list[str]:
    """Every kind ``user`` may choose not to have e-mailed, sorted, once each (staff-only kinds
    for staff only); the moderators' decisions are always e-mailed and have no preference."""
    return sorted(kind.code for kind in email_optional_kinds(staff=user.is_staff))


class NotificationPreferencesSerializer(StrictSerializer):
    email = serializers.DictField(
        child=serializers.BooleanField(),
        help_text="Notice kind → whether it is also e-mailed. Kinds left out are e-mailed.",
    )

    def validate_email(self, value: dict) -> dict:
        known = _optional_codes(self.context["user"])
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise serializers.ValidationError(
                f"Unknown notice kinds: {', '.join(unknown)}. Known: {', '.join(known)}."
            )
        return value


def _preferences(user) -> dict:
    muted = set(user.email_muted_kinds or [])
    return {"email": {kind: kind not in muted for kind in _optional_codes(user)}}


@extend_schema(tags=["notifications"])
class NotificationPreferencesApi(APIView):
    @extend_schema(responses=NotificationPreferencesSerializer)
    def get(self, request: Request) -> Response:
        return Response(_preferences(request.user))

    @extend_schema(
        request=NotificationPreferencesSerializer, responses=NotificationPreferencesSerializer
    )
    def put(self, request: SignedInRequest) -> Response:
        serializer = NotificationPreferencesSerializer(
            data=request.data, context={"user": request.user}
        )
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"]
        user = services.notification_preferences_update(
            user=request.user, muted_kinds=[kind for kind, on in email.items() if not on]
        )
        return Response(_preferences(user))

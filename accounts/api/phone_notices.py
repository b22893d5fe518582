"""Notices on the signed-in user's phones: their browsers' push subscriptions, which notices
are pushed, and the WhatsApp opt-in for the urgent few (accounts.services.phone_notices).

A browser subscribes with the Push API (``PushManager.subscribe`` with ``vapid_public_key``
from ``GET push-subscriptions/``) and sends what ``PushSubscription.toJSON()`` gives. Each
subscription belongs to one person; another person's is a 404 here.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import PushSubscription, User, WhatsAppContact
from accounts.notices import email_optional_kinds, whatsapp_kinds
from accounts.requests import SignedInRequest
from accounts.services import phone_notices
from marketplace.api.strict import StrictSerializer
from marketplace.text import validate_single_line


class PushKeysSerializer(StrictSerializer):
    p256dh = serializers.RegexField(
        r"^[A-Za-z0-9_-]{80,100}={0,2}$",
        help_text="The browser's P-256 public key, base64url (toJSON().keys.p256dh).",
    )
    auth = serializers.RegexField(
        r"^[A-Za-z0-9_-]{16,30}={0,2}$",
        help_text="The browser's 16-byte auth secret, base64url (toJSON().keys.auth).",
    )


class PushSubscribeSerializer(StrictSerializer):
    endpoint = serializers.URLField(
        max_length=1000, help_text="The push service URL (toJSON().endpoint)."
    )
    keys = PushKeysSerializer()
    # toJSON() also gives this; accepted so the browser's object can be sent as it is.
    expirationTime = serializers.IntegerField(required=False, allow_null=True)


class PushEndpointSerializer(StrictSerializer):
    endpoint = serializers.URLField(max_length=1000)


class PushSubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    endpoint = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_success_at = serializers.DateTimeField(allow_null=True)


PushSubscriptionListSerializer = inline_serializer(
    "PushSubscriptionList",
    {
        "enabled": serializers.BooleanField(help_text="Whether this site sends web push at all."),
        "vapid_public_key": serializers.CharField(
            help_text="The applicationServerKey to subscribe with (base64url)."
        ),
        "subscriptions": PushSubscriptionSerializer(many=True),
    },
)


def _subscriptions(user: User) -> dict:
    return {
        "enabled": settings.WEB_PUSH_ENABLED,
        "vapid_public_key": settings.VAPID_PUBLIC_KEY if settings.WEB_PUSH_ENABLED else "",
        "subscriptions": PushSubscriptionSerializer(
            PushSubscription.objects.filter(user=user).order_by("created_at", "pk"), many=True
        ).data,
    }


@extend_schema(tags=["notifications"])
class PushSubscriptionListApi(APIView):
    @extend_schema(responses=PushSubscriptionListSerializer)
    def get(self, request: SignedInRequest) -> Response:
        return Response(_subscriptions(request.user))

    @extend_schema(
        request=PushSubscribeSerializer,
        responses={201: PushSubscriptionSerializer},
        description=(
            "Push notices to this browser. Sending the same endpoint again updates its keys; "
            "an endpoint someone else subscribed becomes yours (it is one browser). Only the "
            "known push services' https addresses are accepted."
        ),
    )
    def post(self, request: SignedInRequest) -> Response:
        serializer = PushSubscribeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        subscription = phone_notices.push_subscription_save(
            user=request.user,
            endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"],
            auth=data["keys"]["auth"],
        )
        return Response(PushSubscriptionSerializer(subscription).data, status=201)


@extend_schema(tags=["notifications"])
class PushUnsubscribeApi(APIView):
    @extend_schema(
        request=PushEndpointSerializer,
        responses={204: None},
        description=(
            "Stop pushing to the browser at this endpoint (as the browser knows it). "
            "404 if you have no subscription there (someone else's included)."
        ),
    )
    def post(self, request: SignedInRequest) -> Response:
        serializer = PushEndpointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not phone_notices.push_subscription_delete(
            user=request.user, endpoint=serializer.validated_data["endpoint"]
        ):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["notifications"])
class PushSubscriptionDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: SignedInRequest, subscription_id: int) -> Response:
        subscription = get_object_or_404(PushSubscription, pk=subscription_id, user=request.user)
        phone_notices.push_subscription_delete(user=request.user, endpoint=subscription.endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- which notices are pushed ---------------------------------------------------------------


def _push_codes(user: User) -> list[str]:
    return sorted(kind.code for kind in email_optional_kinds(staff=user.is_staff))


class PushPreferencesSerializer(StrictSerializer):
    push = serializers.DictField(
        child=serializers.BooleanField(),
        help_text="Notice kind → whether it is pushed to your browsers. Kinds left out are.",
    )

    def validate_push(self, value: dict) -> dict:
        known = _push_codes(self.context["user"])
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise serializers.ValidationError(
                f"Unknown notice kinds: {', '.join(unknown)}. Known: {', '.join(known)}."
            )
        return value


def _push_preferences(user: User) -> dict:
    muted = set(user.push_muted_kinds or [])
    return {"push": {kind: kind not in muted for kind in _push_codes(user)}}


@extend_schema(tags=["notifications"])
class PushPreferencesApi(APIView):
    @extend_schema(responses=PushPreferencesSerializer)
    def get(self, request: SignedInRequest) -> Response:
        return Response(_push_preferences(request.user))

    @extend_schema(request=PushPreferencesSerializer, responses=PushPreferencesSerializer)
    def put(self, request: SignedInRequest) -> Response:
        serializer = PushPreferencesSerializer(data=request.data, context={"user": request.user})
        serializer.is_valid(raise_exception=True)
        push = serializer.validated_data["push"]
        user = phone_notices.push_preferences_update(
            user=request.user, muted_kinds=[kind for kind, on in push.items() if not on]
        )
        return Response(_push_preferences(user))


# --- WhatsApp -------------------------------------------------------------------------------


class WhatsAppOptInSerializer(StrictSerializer):
    phone = serializers.CharField(
        max_length=30,
        validators=[validate_single_line],
        help_text="With its country code, e.g. +6281234567890 (or 0812…).",
    )
    consent = serializers.BooleanField(
        help_text="Must be true: the person agrees to get these notices on WhatsApp."
    )

    def validate_consent(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(_("Tick the box to agree to WhatsApp notices."))
        return value


class WhatsAppSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="Whether this site sends WhatsApp at all.")
    phone = serializers.CharField(allow_null=True, help_text="E.164; null: not opted in.")
    consented_at = serializers.DateTimeField(allow_null=True)
    stopped = serializers.BooleanField(
        help_text="WhatsApp said the number cannot receive messages; enter it again to retry."
    )
    kinds = serializers.ListField(
        child=serializers.CharField(), help_text="The notice kinds sent on WhatsApp."
    )


def _whatsapp(user: User) -> dict:
    contact = WhatsAppContact.objects.filter(user=user).first()
    return {
        "enabled": settings.WHATSAPP_ENABLED,
        "phone": contact.phone if contact else None,
        "consented_at": contact.consented_at if contact else None,
        "stopped": bool(contact and contact.stopped_at),
        "kinds": sorted(kind.code for kind in whatsapp_kinds()),
    }


@extend_schema(tags=["notifications"])
class WhatsAppApi(APIView):
    @extend_schema(responses=WhatsAppSerializer)
    def get(self, request: SignedInRequest) -> Response:
        return Response(WhatsAppSerializer(_whatsapp(request.user)).data)

    @extend_schema(
        request=WhatsAppOptInSerializer,
        responses=WhatsAppSerializer,
        description="Opt in to the urgent notices on WhatsApp (or change the number).",
    )
    def put(self, request: SignedInRequest) -> Response:
        serializer = WhatsAppOptInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        phone_notices.whatsapp_opt_in(user=request.user, phone=serializer.validated_data["phone"])
        return Response(WhatsAppSerializer(_whatsapp(request.user)).data)

    @extend_schema(responses={204: None}, description="No more WhatsApp notices.")
    def delete(self, request: SignedInRequest) -> Response:
        phone_notices.whatsapp_opt_out(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

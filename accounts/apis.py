"""API views for sign-up, login, logout and the user's own account."""

from __future__ import annotations

from django.contrib.auth import logout
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import AuthToken
from accounts.serializers import (
    LoginSerializer,
    NotificationQuerySerializer,
    NotificationSerializer,
    RegisterSerializer,
    TokenSerializer,
    UnreadCountSerializer,
    UserSerializer,
)
from accounts.throttles import AuthRateThrottle
from marketplace.api import CursorPagination, page_of, validated_query


def _token_response(*, user, raw: str, token: AuthToken, status_code: int) -> Response:
    data = {"token": raw, "expires_at": token.expires_at, "user": user}
    return Response(TokenSerializer(data).data, status=status_code)


class RegisterApi(APIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AuthRateThrottle]

    @extend_schema(request=RegisterSerializer, responses={201: TokenSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, token, raw = services.user_register(**serializer.validated_data)
        return _token_response(user=user, raw=raw, token=token, status_code=201)


class TokenApi(APIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AuthRateThrottle]

    @extend_schema(request=LoginSerializer, responses={200: TokenSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, raw = services.token_obtain(request=request._request, **serializer.validated_data)
        return _token_response(user=token.user, raw=raw, token=token, status_code=200)


class LogoutApi(APIView):
    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            services.token_revoke(token=request.auth)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    @extend_schema(responses=UserSerializer, tags=["account"])
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)

    @extend_schema(request=UserSerializer(partial=True), responses=UserSerializer, tags=["account"])
    def patch(self, request: Request) -> Response:
        serializer = UserSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, **serializer.validated_data)
        return Response(UserSerializer(user).data)


@extend_schema(tags=["notifications"])
class NotificationListApi(APIView):
    @extend_schema(
        parameters=[NotificationQuerySerializer], responses=page_of(NotificationSerializer)
    )
    def get(self, request: Request) -> Response:
        query = validated_query(NotificationQuerySerializer, request)
        notifications = selectors.notification_list(user=request.user)
        if query["unread"]:
            notifications = notifications.filter(read_at__isnull=True)
        paginator = CursorPagination()
        paginator.ordering = ("-created_at", "-id")
        page = paginator.paginate_queryset(notifications, request, view=self)
        return paginator.get_paginated_response(NotificationSerializer(page, many=True).data)


@extend_schema(tags=["notifications"])
class NotificationUnreadCountApi(APIView):
    @extend_schema(responses=UnreadCountSerializer)
    def get(self, request: Request) -> Response:
        return Response({"unread": selectors.notification_unread_count(user=request.user)})


@extend_schema(tags=["notifications"], request=None, responses=NotificationSerializer)
class NotificationReadApi(APIView):
    def post(self, request: Request, notification_id: int) -> Response:
        notification = selectors.notification_get(
            user=request.user, notification_id=notification_id
        )
        notification = services.notification_mark_read(notification=notification)
        return Response(NotificationSerializer(notification).data)

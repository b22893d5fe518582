"""Sign-up, login, logout and e-mail verification: the endpoints that hand out, revoke and
confirm what an account signs in with."""

from __future__ import annotations

from django.contrib.auth import logout
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.shared import UserSerializer
from accounts.models import USERNAME_PATTERN, AuthToken, SignIn, User
from accounts.requests import SignedInRequest
from accounts.roles import SignupRole
from accounts.signins import request_origin
from accounts.throttles import AuthRateThrottle
from marketplace.api.strict import StrictSerializer
from marketplace.ratelimit import client_address
from marketplace.text import validate_single_line


class RegisterSerializer(StrictSerializer):
    username = serializers.RegexField(
        USERNAME_PATTERN,
        max_length=30,
        min_length=3,
        error_messages={
            "invalid": _(
                "Use 3–30 letters, digits, dots or underscores, starting and ending with a "
                "letter or digit."
            )
        },
    )
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, min_length=1, max_length=128)
    display_name = serializers.CharField(
        validators=[validate_single_line], max_length=80, required=False, allow_blank=True
    )
    preferred_language = serializers.ChoiceField(
        choices=User.Language.choices, required=False, default=User.Language.INDONESIAN
    )
    role = serializers.ChoiceField(
        choices=SignupRole.choices,
        required=False,
        default=SignupRole.BOTH,
        help_text=(
            "What the account is for: `hire` sets up a client profile, `work` a freelancer "
            "profile, `both` (the default) both. Nothing is closed: the other profile is "
            "created when it is first used."
        ),
    )


class LoginSerializer(StrictSerializer):
    username = serializers.CharField(
        max_length=254, help_text="Your username or your e-mail address."
    )
    password = serializers.CharField(write_only=True, max_length=128)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`.")
    expires_at = serializers.DateTimeField()
    user = UserSerializer()


class EmailVerifySerializer(StrictSerializer):
    token = serializers.CharField(max_length=500)


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
        user, token, raw = services.user_register(
            **serializer.validated_data, client=client_address(request)
        )
        services.sign_in_record(
            user_id=user.pk,
            kind=SignIn.Kind.SIGNUP,
            **request_origin(request._request, give_device=False),
        )
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
        services.sign_in_record(
            user_id=token.user_id,
            kind=SignIn.Kind.LOGIN,
            **request_origin(request._request, give_device=False),
        )
        return _token_response(user=token.user, raw=raw, token=token, status_code=200)


class LogoutApi(APIView):
    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            services.token_revoke(token=request.auth)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllApi(APIView):
    @extend_schema(
        request=None,
        responses={204: None},
        tags=["auth"],
        summary="Log out everywhere",
        description=(
            "Revokes every API token of the account, this one included, and ends every browser "
            "session. Changing or resetting the password does the same."
        ),
    )
    def post(self, request: SignedInRequest) -> Response:
        services.user_logout_everywhere(user=request.user)
        if not isinstance(request.auth, AuthToken):
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["auth"])
class EmailVerifyApi(APIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AuthRateThrottle]

    @extend_schema(request=EmailVerifySerializer, responses=UserSerializer)
    def post(self, request: Request) -> Response:
        serializer = EmailVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.email_verify(token=serializer.validated_data["token"])
        return Response({"username": user.username, "email_verified": True})

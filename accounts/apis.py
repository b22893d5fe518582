"""API views for sign-up, login, logout and the user's own account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import AuthToken, SignIn
from accounts.requests import SignedInRequest
from accounts.serializers import (
    ClientProfileWriteSerializer,
    ClientRecordSerializer,
    EmailVerifySerializer,
    FreelancerDetailSerializer,
    FreelancerProfileWriteSerializer,
    FreelancerQuerySerializer,
    FreelancerSerializer,
    ImageUploadSerializer,
    LoginSerializer,
    NotificationQuerySerializer,
    NotificationSerializer,
    OwnFreelancerProfileSerializer,
    PortfolioImageSerializer,
    PortfolioItemSerializer,
    PortfolioItemWriteSerializer,
    PortfolioQuerySerializer,
    RegisterSerializer,
    ReputationChangeSerializer,
    TokenSerializer,
    UnreadCountSerializer,
    UserSerializer,
)
from accounts.signins import request_origin
from accounts.throttles import AuthRateThrottle
from marketplace.api.pagination import PageQuerySerializer, page_of, paginate
from marketplace.api.query import validated_query
from marketplace.api.renderers import BinaryRenderer, JSONRenderer
from marketplace.errors import RateLimited
from marketplace.ratelimit import client_address
from marketplace.request_guard import MultiPartParser
from marketplace.upload_limits import IMAGE, UploadRateThrottle


class ImageRenderer(BinaryRenderer):
    """Lets a request that accepts only images reach the image view (errors stay JSON)."""

    media_type = "image/*"
    format = "image"


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


# --- profiles, portfolio, reputation --------------------------------------------------------


def _own_profile_response(user) -> Response:
    return Response(
        OwnFreelancerProfileSerializer(selectors.freelancer_profile_own(user=user)).data
    )


@extend_schema(tags=["profiles"])
class MyFreelancerProfileApi(APIView):
    @extend_schema(responses=OwnFreelancerProfileSerializer)
    def get(self, request: Request) -> Response:
        return _own_profile_response(request.user)

    @extend_schema(
        request=FreelancerProfileWriteSerializer, responses=OwnFreelancerProfileSerializer
    )
    def put(self, request: SignedInRequest) -> Response:
        serializer = FreelancerProfileWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        data["skill_ids"] = data.pop("skills")
        services.freelancer_profile_update(user=request.user, **data)
        return _own_profile_response(request.user)


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


@extend_schema(tags=["profiles"])
class MyReputationChangesApi(APIView):
    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(ReputationChangeSerializer))
    def get(self, request: SignedInRequest) -> Response:
        validated_query(PageQuerySerializer, request)
        changes = selectors.reputation_change_list(user=request.user)
        return paginate(self, request, changes, ReputationChangeSerializer)


@extend_schema(tags=["account"])
class EmailVerificationSendApi(APIView):
    throttle_classes = [AuthRateThrottle]  # each call sends an e-mail

    @extend_schema(request=None, responses={202: None})
    def post(self, request: SignedInRequest) -> Response:
        """E-mail a confirmation link (at most ``ACCOUNT_EMAIL_RATE`` per address: then 429)."""
        wait = services.email_verification_send(user=request.user)
        if wait:
            raise RateLimited(
                _("We sent you links a moment ago. Wait %(seconds)d seconds for another one.")
                % {"seconds": wait},
                retry_after=wait,
            )
        return Response(status=status.HTTP_202_ACCEPTED)


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


@extend_schema(tags=["profiles"])
class FreelancerListApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[FreelancerQuerySerializer], responses=page_of(FreelancerSerializer))
    def get(self, request: Request) -> Response:
        query = validated_query(FreelancerQuerySerializer, request)
        for key in ("cursor", "page_size"):
            query.pop(key, None)
        sort = query.pop("sort")
        profiles = selectors.freelancer_directory(**query)
        return paginate(
            self, request, profiles, FreelancerSerializer, selectors.FREELANCER_SORTS[sort]
        )


@extend_schema(tags=["profiles"])
class FreelancerDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=FreelancerDetailSerializer)
    def get(self, request: Request, username: str) -> Response:
        profile = selectors.freelancer_get(username=username)
        return Response(FreelancerDetailSerializer(profile, context={"request": request}).data)


@extend_schema(tags=["profiles"])
class ClientRecordApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=ClientRecordSerializer)
    def get(self, request: Request, username: str) -> Response:
        return Response(ClientRecordSerializer(selectors.client_record_get(username=username)).data)


@extend_schema(tags=["portfolio"])
class PortfolioListApi(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        parameters=[PortfolioQuerySerializer], responses=page_of(PortfolioItemSerializer)
    )
    def get(self, request: Request) -> Response:
        query = validated_query(PortfolioQuerySerializer, request)
        if query.get("owner"):
            items = selectors.portfolio_list(owner_username=query["owner"])
        elif request.user.is_authenticated:
            items = selectors.portfolio_list(owner=request.user)
        else:  # one's own portfolio needs a login, as everywhere else
            raise NotAuthenticated()
        return paginate(self, request, items, PortfolioItemSerializer, ("position", "id"))

    @extend_schema(request=PortfolioItemWriteSerializer, responses={201: PortfolioItemSerializer})
    def post(self, request: SignedInRequest) -> Response:
        serializer = PortfolioItemWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = _portfolio_fields(serializer.validated_data)
        item = services.portfolio_item_create(owner=request.user, **data)
        item = selectors.portfolio_item_get(item_id=item.pk, viewer=request.user)
        return Response(
            PortfolioItemSerializer(item, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


def _portfolio_fields(data: dict) -> dict:
    if "skills" in data:
        data["skill_ids"] = data.pop("skills")
    if "category" in data:
        data["category_id"] = data.pop("category")
    return data


@extend_schema(tags=["portfolio"])
class PortfolioDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=PortfolioItemSerializer)
    def get(self, request: Request, item_id: int) -> Response:
        item = selectors.portfolio_item_get(item_id=item_id, viewer=request.user)
        return Response(PortfolioItemSerializer(item, context={"request": request}).data)

    @extend_schema(
        request=PortfolioItemWriteSerializer(partial=True), responses=PortfolioItemSerializer
    )
    def patch(self, request: SignedInRequest, item_id: int) -> Response:
        serializer = PortfolioItemWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = _portfolio_fields(serializer.validated_data)
        services.portfolio_item_update(item_id=item_id, owner=request.user, **data)
        item = selectors.portfolio_item_get(item_id=item_id, viewer=request.user)
        return Response(PortfolioItemSerializer(item, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request: SignedInRequest, item_id: int) -> Response:
        services.portfolio_item_delete(item_id=item_id, owner=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["portfolio"])
class PortfolioImagesApi(APIView):
    parser_classes = [MultiPartParser]
    upload_limit = IMAGE
    throttle_classes = [UploadRateThrottle]

    @extend_schema(request=ImageUploadSerializer, responses={201: PortfolioImageSerializer})
    def post(self, request: SignedInRequest, item_id: int) -> Response:
        serializer = ImageUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        image = services.portfolio_image_add(
            item_id=item_id, owner=request.user, upload=serializer.validated_data["image"]
        )
        return Response(PortfolioImageSerializer(image).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["portfolio"])
class PortfolioImageDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    renderer_classes = [JSONRenderer, ImageRenderer]

    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY})
    def get(self, request: Request, item_id: int, image_id: int) -> Any:
        image = selectors.portfolio_image_get(
            item_id=item_id, image_id=image_id, viewer=request.user
        )
        # Re-encoded by us (no active content), so shown inline, with nosniff from settings.
        return FileResponse(image.image.open("rb"), content_type=image.content_type)

    @extend_schema(responses={204: None})
    def delete(self, request: SignedInRequest, item_id: int, image_id: int) -> Response:
        services.portfolio_image_delete(item_id=item_id, image_id=image_id, owner=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

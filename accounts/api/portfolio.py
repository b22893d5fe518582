"""Portfolio items: a freelancer's list of them, writing one, and its images (uploaded, cleaned
by a worker, then served by us)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.shared import PortfolioImageSerializer, PortfolioItemSerializer
from accounts.models import USERNAME_PATTERN, PortfolioItem
from accounts.requests import SignedInRequest
from marketplace.api.pagination import page_of, paginate
from marketplace.api.query import validated_query
from marketplace.api.renderers import BinaryRenderer, JSONRenderer
from marketplace.api.strict import StrictSerializer
from marketplace.request_guard import MultiPartParser
from marketplace.text import validate_single_line
from marketplace.upload_limits import IMAGE, UploadRateThrottle


class PortfolioQuerySerializer(serializers.Serializer):
    owner = serializers.RegexField(
        USERNAME_PATTERN,
        required=False,
        max_length=30,
        help_text="Whose portfolio; your own when omitted.",
    )
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


class PortfolioItemWriteSerializer(StrictSerializer):
    title = serializers.CharField(validators=[validate_single_line], max_length=120)
    description = serializers.CharField(max_length=3000, required=False, allow_blank=True)
    category = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1, help_text="Category id."
    )
    skills = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        max_length=PortfolioItem.MAX_SKILLS,
    )
    link = serializers.URLField(max_length=300, required=False, allow_blank=True)
    position = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class ImageUploadSerializer(StrictSerializer):
    image = serializers.FileField(
        help_text="JPEG, PNG or WebP, at most 5 MB, 4096 px a side and 16 megapixels."
    )


class ImageRenderer(BinaryRenderer):
    """Lets a request that accepts only images reach the image view (errors stay JSON)."""

    media_type = "image/*"
    format = "image"


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
    # The owner's image still being cleaned by the worker, or refused by it (its reason).
    extra_error_codes = ["409"]

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

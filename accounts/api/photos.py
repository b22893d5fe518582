"""Profile photos: setting and removing one's own (``me/photo/``), and serving anyone's
(``photos/{name}``), re-encoded by us and shown inline."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.portfolio import ImageRenderer
from accounts.photos import CACHE_SECONDS, photo_content_type, photo_url
from accounts.requests import SignedInRequest
from marketplace.api.renderers import JSONRenderer
from marketplace.api.strict import StrictSerializer
from marketplace.errors import NotFound
from marketplace.request_guard import MultiPartParser
from marketplace.storage import SANDBOX_IMAGE
from marketplace.upload_limits import PHOTO, UploadRateThrottle


class PhotoUploadSerializer(StrictSerializer):
    photo = serializers.FileField(
        help_text=(
            "JPEG, PNG or WebP, at most 5 MB and 4096 px a side (a PNG or WebP at most "
            "4 megapixels). Cut to a centred square of 256 px; EXIF and other metadata "
            "(the GPS position of a phone photo) are removed."
        )
    )


PhotoSerializer = inline_serializer(
    "Photo",
    {
        "photo_url": serializers.CharField(
            help_text="Where the photo is served (GET), or empty without one."
        )
    },
)


def _answer(request: Request) -> Response:
    return Response({"photo_url": photo_url(request.user)})  # type: ignore[arg-type]


@extend_schema(tags=["account"])
class MyPhotoApi(APIView):
    parser_classes = [MultiPartParser]
    upload_limit = PHOTO
    throttle_classes = [UploadRateThrottle]

    @extend_schema(
        request={"multipart/form-data": PhotoUploadSerializer}, responses=PhotoSerializer
    )
    def put(self, request: SignedInRequest) -> Response:
        """Set one's profile photo, replacing any earlier one. A file that is not a JPEG, PNG
        or WebP image, or is too large, is a 400 saying what to do; nothing is kept."""
        serializer = PhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_photo_set(user=request.user, upload=serializer.validated_data["photo"])
        return _answer(request)

    # A 200 with the (now empty) photo URL, as PUT answers; DELETE would be documented as a 204.
    @extend_schema(request=None, responses={200: PhotoSerializer})
    def delete(self, request: SignedInRequest) -> Response:
        """Remove one's profile photo (the initials are shown instead); 200 without one too."""
        services.user_photo_remove(user=request.user)
        return _answer(request)


@extend_schema(tags=["account"])
class PhotoApi(APIView):
    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer, ImageRenderer]

    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY})
    def get(self, request: Request, name: str) -> Any:
        """A profile photo, public while its account is active; 404 once replaced or removed."""
        user = selectors.photo_get(name=name)
        try:
            stream = user.photo.open("rb")
        except FileNotFoundError:  # the row names a file the storage lost: no photo, no 500
            raise NotFound(_("Photo not found.")) from None
        response = FileResponse(stream, content_type=photo_content_type(name))
        # Re-encoded by us (no active content): inline, with nosniff from settings; sandboxed
        # should a browser open it as a document.
        response["Content-Security-Policy"] = SANDBOX_IMAGE
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        return response

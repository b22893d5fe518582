"""The API of the files a client attaches to a gig: upload, download, remove."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.files import download
from marketplace.api.renderers import BinaryRenderer, JSONRenderer
from marketplace.api.strict import StrictSerializer
from marketplace.request_guard import MultiPartParser
from marketplace.upload_limits import DOCUMENT, UploadRateThrottle
from projects.api.shared import DOWNLOAD, DOWNLOAD_PARAMETERS, AttachmentSerializer
from projects.selectors import gigs as gig_selectors
from projects.services import gigs as gig_services


class AttachmentUploadSerializer(StrictSerializer):
    file = serializers.FileField(
        help_text="PDF, image, Office document or text; at most ATTACHMENT_MAX_BYTES."
    )


# --- views ----------------------------------------------------------------------------------------


@extend_schema(tags=["gigs"])
class GigAttachmentsApi(APIView):
    parser_classes = [MultiPartParser]
    upload_limit = DOCUMENT
    throttle_classes = [UploadRateThrottle]

    @extend_schema(request=AttachmentUploadSerializer, responses={201: AttachmentSerializer})
    def post(self, request: SignedInRequest, gig_id: int) -> Response:
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = gig_services.gig_attachment_add(
            gig_id=gig_id, actor=request.user, upload=serializer.validated_data["file"]
        )
        return Response(
            AttachmentSerializer(attachment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["gigs"])
class GigAttachmentDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    renderer_classes = [JSONRenderer, BinaryRenderer]

    @extend_schema(responses=DOWNLOAD, parameters=DOWNLOAD_PARAMETERS)
    def get(self, request: Request, gig_id: int, attachment_id: int) -> Any:
        attachment = gig_selectors.gig_attachment_get(
            gig_id=gig_id, attachment_id=attachment_id, user=request.user
        )
        return download(request, attachment.file, attachment.original_name)

    @extend_schema(responses={204: None})
    def delete(self, request: SignedInRequest, gig_id: int, attachment_id: int) -> Response:
        gig_services.gig_attachment_remove(
            gig_id=gig_id, attachment_id=attachment_id, actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

"""The API of a contract's message thread: read, post (with files), download a file."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.shared import ShownTextField
from accounts.requests import SignedInRequest
from marketplace.api.files import download, with_file_list
from marketplace.api.pagination import PageQuerySerializer, page_of, paginate
from marketplace.api.renderers import BinaryRenderer, JSONRenderer
from marketplace.api.strict import StrictSerializer
from marketplace.request_guard import JSONParser, MultiPartParser
from marketplace.upload_limits import DOCUMENTS, UploadRateThrottle
from projects.api.shared import (
    CONTACT_DETAILS_HIDDEN_HELP,
    DOWNLOAD,
    DOWNLOAD_PARAMETERS,
    AttachmentSerializer,
    ContactMaskingMixin,
    PersonSerializer,
)
from projects.models import ContractMessage
from projects.policies.messages import message_content_shown, message_hidden_kinds
from projects.selectors import contracts as contract_selectors
from projects.services import contracts as contract_services


class MessageSerializer(ContactMaskingMixin, serializers.Serializer):
    id = serializers.IntegerField()
    sender = PersonSerializer()
    body = ShownTextField()
    attachments = AttachmentSerializer(many=True, source="attachments.all")
    created_at = serializers.DateTimeField()
    removed = serializers.SerializerMethodField(
        help_text="A moderator removed it: its body and files are shown to moderators only."
    )
    contact_details_hidden = serializers.SerializerMethodField(
        help_text=CONTACT_DETAILS_HIDDEN_HELP
    )

    @extend_schema_field(serializers.BooleanField())
    def get_removed(self, message: ContractMessage) -> bool:
        return message.removed_at is not None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_contact_details_hidden(self, message: ContractMessage) -> list[str]:
        return message_hidden_kinds(message, self._viewer())

    def to_representation(self, message: ContractMessage) -> dict[str, Any]:
        data = super().to_representation(message)
        if not message_content_shown(message, self._viewer()):
            data["body"], data["attachments"] = "", []
        return data


class MessageCreateSerializer(StrictSerializer):
    body = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    files = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=settings.ATTACHMENTS_PER_MESSAGE
    )


# --- views ----------------------------------------------------------------------------------------


@extend_schema(tags=["contracts"])
class ContractMessagesApi(APIView):
    parser_classes = [JSONParser, MultiPartParser]
    upload_limit = DOCUMENTS
    throttle_classes = [UploadRateThrottle]

    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(MessageSerializer))
    def get(self, request: SignedInRequest, contract_id: int) -> Response:
        contract = contract_selectors.contract_get(contract_id=contract_id, user=request.user)
        return paginate(
            self, request, contract_selectors.message_list(contract=contract), MessageSerializer
        )

    @extend_schema(request=MessageCreateSerializer, responses={201: MessageSerializer})
    def post(self, request: SignedInRequest, contract_id: int) -> Response:
        data = with_file_list(request.data)
        serializer = MessageCreateSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        message = contract_services.message_post(
            contract_id=contract_id, actor=request.user, **serializer.validated_data
        )
        return Response(
            MessageSerializer(message, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["contracts"])
class MessageAttachmentApi(APIView):
    renderer_classes = [JSONRenderer, BinaryRenderer]

    @extend_schema(responses=DOWNLOAD, parameters=DOWNLOAD_PARAMETERS)
    def get(self, request: SignedInRequest, contract_id: int, attachment_id: int) -> Any:
        contract = contract_selectors.contract_get(contract_id=contract_id, user=request.user)
        attachment = contract_selectors.message_attachment_get(
            contract=contract, attachment_id=attachment_id
        )
        return download(request, attachment.file, attachment.original_name)

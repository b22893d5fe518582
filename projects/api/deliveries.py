"""The API of what the freelancer delivered on a contract's milestones, and its files."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.files import download
from marketplace.api.pagination import PageQuerySerializer, page_of, paginate
from marketplace.api.renderers import BinaryRenderer, JSONRenderer
from projects.api.shared import (
    DOWNLOAD,
    DOWNLOAD_PARAMETERS,
    AttachmentSerializer,
    RevisionRequestSerializer,
)
from projects.models import Delivery, DeliveryFile
from projects.selectors import contracts as contract_selectors


class DeliveredFileSerializer(AttachmentSerializer):
    # Delivered on a funded milestone, read by the parties only: nothing is masked.
    name = serializers.CharField(source="original_name")  # type: ignore[assignment]  # unmasked
    download_url = serializers.SerializerMethodField(
        help_text="Where the contract's parties (and moderators) download it: "
        "GET contracts/{id}/deliveries/files/{fid}/ on this host."
    )

    def get_download_url(self, delivered: DeliveryFile) -> str:
        contract_id = self.context["contract_id"]
        return reverse("api:delivery-file", args=[contract_id, delivered.pk])


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    milestone = serializers.IntegerField(source="milestone_id")
    note = serializers.CharField(help_text="What the freelancer says they deliver.")
    files = DeliveredFileSerializer(many=True, source="files.all")
    revision_request = serializers.SerializerMethodField(
        help_text="The changes the client asked for after this delivery; null if none."
    )
    created_at = serializers.DateTimeField()

    @extend_schema_field(RevisionRequestSerializer(allow_null=True))
    def get_revision_request(self, delivery: Delivery) -> dict[str, Any] | None:
        asked = getattr(delivery, "revision_request", None)
        return None if asked is None else RevisionRequestSerializer(asked).data


# --- views ----------------------------------------------------------------------------------------


@extend_schema(tags=["milestones"])
class ContractDeliveriesApi(APIView):
    """What the freelancer delivered on the contract's milestones, newest first: each delivery's
    note, its files with their download links, and the revision the client asked of it. The
    contract's parties and moderators."""

    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(DeliverySerializer))
    def get(self, request: SignedInRequest, contract_id: int) -> Response:
        contract = contract_selectors.contract_get(contract_id=contract_id, user=request.user)
        return paginate(
            self,
            request,
            contract_selectors.delivery_list(contract=contract),
            DeliverySerializer,
            contract_id=contract.pk,
        )


@extend_schema(tags=["milestones"])
class DeliveryFileApi(APIView):
    """A file the freelancer delivered: the contract's parties and moderators download it."""

    renderer_classes = [JSONRenderer, BinaryRenderer]

    @extend_schema(responses=DOWNLOAD, parameters=DOWNLOAD_PARAMETERS)
    def get(self, request: SignedInRequest, contract_id: int, file_id: int) -> Any:
        contract = contract_selectors.contract_get(contract_id=contract_id, user=request.user)
        delivered = contract_selectors.delivery_file_get(contract=contract, file_id=file_id)
        return download(request, delivered.file, delivered.original_name)

"""The API of milestone actions. Money-moving ones accept an ``Idempotency-Key`` header."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.files import with_file_list
from marketplace.api.rupiah import RupiahAmountField
from marketplace.api.strict import StrictSerializer
from marketplace.request_guard import JSONParser, MultiPartParser
from marketplace.upload_limits import DOCUMENTS, UploadRateThrottle
from payments.api.idempotency import idempotent, key_parameter
from projects.api.shared import MilestoneSerializer
from projects.services import milestones as services


class MilestoneSubmitSerializer(StrictSerializer):
    note = serializers.CharField(max_length=5000, help_text="What you deliver.")
    files = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=settings.ATTACHMENTS_PER_MESSAGE
    )


class NoteSerializer(StrictSerializer):
    note = serializers.CharField(max_length=3000, help_text="What should change.")


class DisputeOpenSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=3000, help_text="What went wrong.")


class DisputeResolveSerializer(StrictSerializer):
    freelancer_amount = RupiahAmountField(
        min_value=0,
        max_value=settings.GIG_MAX_BUDGET,
        help_text="Whole rupiah of the milestone's amount the freelancer receives (before fee).",
    )
    note = serializers.CharField(max_length=3000, required=False, default="", allow_blank=True)


# --- views ----------------------------------------------------------------------------------------


def _answer(request: Request, milestone: Any) -> Response:
    return Response(MilestoneSerializer(milestone, context={"request": request}).data)


@extend_schema(
    tags=["milestones"], request=None, responses=MilestoneSerializer, parameters=[key_parameter()]
)
class MilestoneFundApi(APIView):
    extra_error_codes = ["402", "422"]

    def post(self, request: SignedInRequest, milestone_id: int) -> Response:
        """Move the amount from your wallet into escrow (402 says how much to top up)."""
        return idempotent(
            request,
            lambda: _answer(
                request, services.milestone_fund(milestone_id=milestone_id, actor=request.user)
            ),
        )


@extend_schema(
    tags=["milestones"], request=MilestoneSubmitSerializer, responses=MilestoneSerializer
)
class MilestoneSubmitApi(APIView):
    parser_classes = [JSONParser, MultiPartParser]
    upload_limit = DOCUMENTS
    throttle_classes = [UploadRateThrottle]

    def post(self, request: SignedInRequest, milestone_id: int) -> Response:
        data = with_file_list(request.data)
        serializer = MilestoneSubmitSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        return _answer(
            request,
            services.milestone_submit(
                milestone_id=milestone_id, actor=request.user, **serializer.validated_data
            ),
        )


@extend_schema(tags=["milestones"], request=NoteSerializer, responses=MilestoneSerializer)
class MilestoneRequestRevisionApi(APIView):
    def post(self, request: SignedInRequest, milestone_id: int) -> Response:
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _answer(
            request,
            services.milestone_request_revision(
                milestone_id=milestone_id, actor=request.user, **serializer.validated_data
            ),
        )


@extend_schema(
    tags=["milestones"], request=None, responses=MilestoneSerializer, parameters=[key_parameter()]
)
class MilestoneApproveApi(APIView):
    extra_error_codes = ["402", "422"]

    def post(self, request: SignedInRequest, milestone_id: int) -> Response:
        """Approve the delivered work: the escrow is released to the freelancer."""
        return idempotent(
            request,
            lambda: _answer(
                request, services.milestone_approve(milestone_id=milestone_id, actor=request.user)
            ),
        )


@extend_schema(
    tags=["milestones"], request=None, responses=MilestoneSerializer, parameters=[key_parameter()]
)
class MilestoneCancelApi(APIView):
    extra_error_codes = ["402", "422"]

    def post(self, request: SignedInRequest, milestone_id: int) -> Response:
        return idempotent(
            request,
            lambda: _answer(
                request, services.milestone_cancel(milestone_id=milestone_id, actor=request.user)
            ),
        )


@extend_schema(tags=["milestones"], request=DisputeOpenSerializer, responses=MilestoneSerializer)
class MilestoneDisputeApi(APIView):
    def post(self, request: SignedInRequest, milestone_id: int) -> Response:
        serializer = DisputeOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _answer(
            request,
            services.milestone_dispute(
                milestone_id=milestone_id, actor=request.user, **serializer.validated_data
            ),
        )


@extend_schema(
    tags=["milestones"],
    request=DisputeResolveSerializer,
    responses=MilestoneSerializer,
    parameters=[key_parameter()],
)
class MilestoneResolveApi(APIView):
    extra_error_codes = ["402", "422"]

    def post(self, request: SignedInRequest, milestone_id: int) -> Response:
        """Moderators: settle a dispute with a split of the escrow."""

        def resolve() -> Response:
            serializer = DisputeResolveSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            return _answer(
                request,
                services.milestone_resolve(
                    milestone_id=milestone_id, moderator=request.user, **serializer.validated_data
                ),
            )

        return idempotent(request, resolve)

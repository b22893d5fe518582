"""The API of contracts: the lists and detail a party reads, and splitting the amount into
milestones.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.pagination import page_of, paginate
from marketplace.api.query import validated_query
from marketplace.api.rupiah import RupiahAmountField
from marketplace.api.strict import StrictSerializer
from marketplace.text import validate_single_line
from projects.api.shared import ContractSerializer, MilestoneSerializer
from projects.models import Contract, Milestone
from projects.selectors import contracts as contract_selectors
from projects.services import contracts as contract_services


class ContractListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Contract.Status.choices, required=False)
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


class MilestonePartSerializer(StrictSerializer):
    title = serializers.CharField(
        validators=[validate_single_line], max_length=Milestone.TITLE_MAX_LENGTH, min_length=1
    )
    amount = RupiahAmountField(min_value=1, max_value=settings.GIG_MAX_BUDGET)
    due_at = serializers.DateTimeField()


class MilestoneSplitSerializer(StrictSerializer):
    # many=True makes a ListSerializer, which takes the lengths (the stubs do not know).
    milestones = MilestonePartSerializer(  # type: ignore[call-arg]
        many=True, min_length=1, max_length=settings.MILESTONES_MAX
    )


# --- views ----------------------------------------------------------------------------------------


@extend_schema(tags=["contracts"])
class ContractListApi(APIView):
    @extend_schema(parameters=[ContractListQuerySerializer], responses=page_of(ContractSerializer))
    def get(self, request: SignedInRequest) -> Response:
        query = validated_query(ContractListQuerySerializer, request)
        contracts = contract_selectors.contract_list(user=request.user, status=query.get("status"))
        contracts = contract_selectors.with_revision_requests(contracts)
        return paginate(self, request, contracts, ContractSerializer)


@extend_schema(tags=["contracts"])
class ContractDetailApi(APIView):
    @extend_schema(responses=ContractSerializer)
    def get(self, request: SignedInRequest, contract_id: int) -> Response:
        contract = contract_selectors.contract_get(contract_id=contract_id, user=request.user)
        contract_selectors.load_revision_requests(contract)
        return Response(ContractSerializer(contract, context={"request": request}).data)


@extend_schema(tags=["contracts"])
class ContractMilestonesApi(APIView):
    @extend_schema(
        request=MilestoneSplitSerializer, responses={201: MilestoneSerializer(many=True)}
    )
    def post(self, request: SignedInRequest, contract_id: int) -> Response:
        """Replace the milestones (before any is funded) with parts adding up to the amount."""
        serializer = MilestoneSplitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestones = contract_services.milestones_split(
            contract_id=contract_id,
            actor=request.user,
            parts=serializer.validated_data["milestones"],
        )
        return Response(
            MilestoneSerializer(
                contract_selectors.load_milestone_revision_requests(milestones),
                many=True,
                context={"request": request},
            ).data,
            status=status.HTTP_201_CREATED,
        )

"""The API of a contract's work in the freelancer's portfolio: the client's permission, and
the freelancer adding the work.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.shared import PortfolioItemSerializer
from accounts.requests import SignedInRequest
from accounts.selectors import portfolio_item_get
from marketplace.api.strict import StrictSerializer
from marketplace.text import validate_single_line
from projects.api.shared import ContractSerializer
from projects.selectors import contracts as contract_selectors
from projects.services import contracts as contract_services


class PortfolioPermissionSerializer(StrictSerializer):
    allowed = serializers.BooleanField()


class PortfolioFromContractSerializer(StrictSerializer):
    title = serializers.CharField(
        validators=[validate_single_line],
        max_length=120,
        required=False,
        allow_blank=True,
        default="",
    )
    description = serializers.CharField(
        max_length=3000, required=False, allow_blank=True, default=""
    )


# --- views ----------------------------------------------------------------------------------------


@extend_schema(tags=["portfolio"])
class ContractPortfolioPermissionApi(APIView):
    @extend_schema(request=PortfolioPermissionSerializer, responses=ContractSerializer)
    def post(self, request: SignedInRequest, contract_id: int) -> Response:
        serializer = PortfolioPermissionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contract_services.contract_portfolio_permission(
            contract_id=contract_id, actor=request.user, **serializer.validated_data
        )
        contract = contract_selectors.contract_get(contract_id=contract_id, user=request.user)
        return Response(ContractSerializer(contract, context={"request": request}).data)


@extend_schema(tags=["portfolio"])
class ContractPortfolioApi(APIView):
    @extend_schema(
        request=PortfolioFromContractSerializer, responses={201: PortfolioItemSerializer}
    )
    def post(self, request: SignedInRequest, contract_id: int) -> Response:
        serializer = PortfolioFromContractSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = contract_services.contract_add_to_portfolio(
            contract_id=contract_id, actor=request.user, **serializer.validated_data
        )
        item = portfolio_item_get(item_id=item.pk, viewer=request.user)
        return Response(
            PortfolioItemSerializer(item, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

"""API views for reviews, and for a contract's work in the freelancer's portfolio."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.shared import PortfolioItemSerializer
from accounts.requests import SignedInRequest
from accounts.selectors import portfolio_item_get
from marketplace.api.pagination import PageQuerySerializer, page_of, paginate
from marketplace.api.query import validated_query
from projects.models import Contract, Review
from projects.selectors import contracts as contract_selectors
from projects.selectors import reviews as review_selectors
from projects.serializers import ContractSerializer
from projects.serializers_reviews import (
    ContractReviewsSerializer,
    PortfolioFromContractSerializer,
    PortfolioPermissionSerializer,
    ReviewReplySerializer,
    ReviewSerializer,
    ReviewWriteSerializer,
)
from projects.services import contracts as contract_services
from projects.services import reviews as review_services


def _contract_reviews(contract: Contract, request: SignedInRequest) -> Response:
    status_ = review_selectors.contract_review_status(contract=contract, viewer=request.user)
    return Response(ContractReviewsSerializer(status_, context={"request": request}).data)


@extend_schema(tags=["reviews"])
class ContractReviewsApi(APIView):
    @extend_schema(responses=ContractReviewsSerializer)
    def get(self, request: SignedInRequest, contract_id: int) -> Response:
        contract = contract_selectors.contract_get(contract_id=contract_id, user=request.user)
        return _contract_reviews(contract, request)

    @extend_schema(request=ReviewWriteSerializer, responses={201: ContractReviewsSerializer})
    def post(self, request: SignedInRequest, contract_id: int) -> Response:
        serializer = ReviewWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review_services.review_submit(
            contract_id=contract_id, actor=request.user, **serializer.validated_data
        )
        contract = contract_selectors.contract_get(contract_id=contract_id, user=request.user)
        response = _contract_reviews(contract, request)
        response.status_code = status.HTTP_201_CREATED
        return response


@extend_schema(tags=["reviews"])
class ReviewReplyApi(APIView):
    @extend_schema(request=ReviewReplySerializer, responses=ReviewSerializer)
    def post(self, request: SignedInRequest, review_id: int) -> Response:
        serializer = ReviewReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = review_services.review_reply(
            review_id=review_id, actor=request.user, body=serializer.validated_data["body"]
        )
        return Response(ReviewSerializer(review, context={"request": request}).data)


class _PublicReviewsApi(APIView):
    permission_classes = [permissions.AllowAny]
    role = Review.Subject.FREELANCER

    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(ReviewSerializer))
    def get(self, request: Request, username: str) -> Response:
        validated_query(PageQuerySerializer, request)
        reviews = review_selectors.review_list_public(username=username, role=self.role)
        return paginate(self, request, reviews, ReviewSerializer, ordering=("-revealed_at", "-id"))


@extend_schema(tags=["reviews"])
class FreelancerReviewsApi(_PublicReviewsApi):
    role = Review.Subject.FREELANCER


@extend_schema(tags=["reviews"])
class ClientReviewsApi(_PublicReviewsApi):
    role = Review.Subject.CLIENT


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

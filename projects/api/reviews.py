"""The API of double-blind reviews: a contract's reviews, writing one, the reply, and a
person's public reviews.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.shared import ShownTextField
from accounts.requests import SignedInRequest
from marketplace.api.pagination import PageQuerySerializer, page_of, paginate
from marketplace.api.query import validated_query
from marketplace.api.strict import StrictSerializer
from projects.models import Contract, Review
from projects.selectors import contracts as contract_selectors
from projects.selectors import reviews as review_selectors
from projects.services import reviews as review_services


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contract = serializers.IntegerField(source="contract_id")
    gig_title = ShownTextField("title", of="contract.gig")
    author = serializers.CharField(source="author.username")
    author_name = serializers.CharField(source="author.public_name")
    subject_role = serializers.ChoiceField(
        choices=Review.Subject.choices, help_text="Whom the review is about."
    )
    quality = serializers.IntegerField()
    communication = serializers.IntegerField()
    value = serializers.IntegerField()
    overall = serializers.SerializerMethodField()
    comment = ShownTextField()
    revealed = serializers.SerializerMethodField()
    reply = ShownTextField()
    replied_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_overall(self, review: Review) -> float:
        return round(review.points / 3, 2)

    def get_revealed(self, review: Review) -> bool:
        return review.revealed_at is not None


class ContractReviewsSerializer(serializers.Serializer):
    reviews = ReviewSerializer(many=True, help_text="Revealed reviews, and your own.")
    can_review = serializers.BooleanField(help_text="You may write your review now.")
    you_reviewed = serializers.BooleanField()
    other_reviewed = serializers.BooleanField(
        help_text="The other party's review is in (hidden until yours is, or the window ends)."
    )
    window_closes_at = serializers.DateTimeField(allow_null=True)


class ReviewWriteSerializer(StrictSerializer):
    quality = serializers.IntegerField(min_value=1, max_value=5)
    communication = serializers.IntegerField(min_value=1, max_value=5)
    value = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000)


class ReviewReplySerializer(StrictSerializer):
    body = serializers.CharField(max_length=2000)


# --- views ----------------------------------------------------------------------------------------


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

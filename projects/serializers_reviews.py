"""API shapes for reviews and for showing contract work in a portfolio."""

from __future__ import annotations

from rest_framework import serializers

from accounts.api.shared import ShownTextField
from marketplace.api.strict import StrictSerializer
from marketplace.text import validate_single_line
from projects.models import Review


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

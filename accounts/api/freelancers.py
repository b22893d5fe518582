"""Freelancers: the directory, a freelancer's public profile with its reputation block, one's
own freelancer profile, and the log of why one's figures moved (docs/reputation.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.shared import PortfolioItemSerializer, ShownTextField, SkillRefSerializer
from accounts.models import Availability, FreelancerProfile, Language, Province
from accounts.photos import photo_url
from accounts.reputation import reputation_explained
from accounts.requests import SignedInRequest
from marketplace.api.pagination import PageQuerySerializer, page_of, paginate
from marketplace.api.query import validated_query
from marketplace.api.rupiah import RupiahAmountField
from marketplace.api.strict import StrictSerializer
from marketplace.text import validate_single_line


class FigureSerializer(serializers.Serializer):
    """One published figure with the numbers it was computed from and a sentence saying how."""

    value = serializers.FloatField(allow_null=True)
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    explanation = serializers.CharField()


class RatingSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="The Bayesian average, 1–5.")
    reviews = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True, help_text="The plain average of reviews.")
    platform_mean = serializers.FloatField(allow_null=True)
    prior_weight = serializers.IntegerField()
    explanation = serializers.CharField()


class ResponseTimeSerializer(serializers.Serializer):
    value = serializers.IntegerField(allow_null=True, help_text="Median, in seconds.")
    samples = serializers.IntegerField()
    explanation = serializers.CharField()


class ReputationSerializer(serializers.Serializer):
    rating = RatingSerializer()
    on_time_rate = FigureSerializer()
    completion_rate = FigureSerializer()
    repeat_client_rate = FigureSerializer()
    median_response_seconds = ResponseTimeSerializer()
    updated_at = serializers.DateTimeField(allow_null=True)
    formula = serializers.CharField(
        help_text="Where the formulas are published: the profiles section of the API docs."
    )


class FreelancerSerializer(serializers.Serializer):
    """A freelancer as the directory lists them."""

    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.public_name")
    headline = ShownTextField()
    skills = SkillRefSerializer(many=True, source="skills.all")
    starting_price = serializers.IntegerField(allow_null=True)
    city = serializers.CharField()
    province = serializers.CharField()
    availability = serializers.CharField()
    email_verified = serializers.SerializerMethodField()
    rating = serializers.FloatField(allow_null=True)
    rating_count = serializers.IntegerField()
    member_since = serializers.DateTimeField(source="user.date_joined")
    photo_url = serializers.SerializerMethodField(
        help_text="The freelancer's profile photo, or empty without one (show initials)."
    )

    def get_photo_url(self, profile: FreelancerProfile) -> str:
        return photo_url(profile.user)

    def get_email_verified(self, profile: FreelancerProfile) -> bool:
        return profile.user.email_verified_at is not None


class FreelancerDetailSerializer(FreelancerSerializer):
    bio = ShownTextField()
    languages = serializers.ListField(child=serializers.CharField())
    max_active_contracts = serializers.IntegerField()
    reputation = serializers.SerializerMethodField()
    portfolio = PortfolioItemSerializer(many=True, source="user.portfolio_items.all")

    @extend_schema_field(ReputationSerializer)
    def get_reputation(self, profile: FreelancerProfile) -> dict:
        return reputation_explained(profile)


class FreelancerQuerySerializer(serializers.Serializer):
    skills = serializers.CharField(
        required=False, max_length=200, help_text="Comma-separated skill ids, any of them."
    )
    category = serializers.SlugField(required=False, max_length=60)
    min_rating = serializers.DecimalField(
        required=False, max_digits=4, decimal_places=3, min_value=0, max_value=5
    )
    price_min = RupiahAmountField(required=False, min_value=0, max_value=2**62)
    price_max = RupiahAmountField(required=False, min_value=0, max_value=2**62)
    city = serializers.CharField(required=False, max_length=80)
    province = serializers.ChoiceField(choices=Province.choices, required=False)
    availability = serializers.ChoiceField(choices=Availability.choices, required=False)
    sort = serializers.ChoiceField(choices=["rating", "newest"], required=False, default="rating")
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)

    def validate_skills(self, value: str) -> list[int]:
        try:
            ids = [int(part) for part in value.split(",") if part.strip()]
        except ValueError:
            raise serializers.ValidationError(_("Give skill ids separated by commas.")) from None
        if not ids or any(i < 1 or i > 2**31 - 1 for i in ids) or len(ids) > 20:
            raise serializers.ValidationError(_("Give 1 to 20 skill ids separated by commas."))
        return ids


class FreelancerProfileWriteSerializer(StrictSerializer):
    headline = serializers.CharField(
        validators=[validate_single_line], max_length=120, allow_blank=True
    )
    bio = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")
    skills = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        default=list,
        max_length=FreelancerProfile.MAX_SKILLS,
    )
    starting_price = RupiahAmountField(
        required=False, allow_null=True, default=None, min_value=1, max_value=2**62
    )
    city = serializers.CharField(
        validators=[validate_single_line],
        max_length=80,
        required=False,
        allow_blank=True,
        default="",
    )
    province = serializers.ChoiceField(
        choices=Province.choices, required=False, allow_blank=True, default=""
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Language.choices),
        required=False,
        default=list,
        max_length=len(Language.choices),
    )
    availability = serializers.ChoiceField(
        choices=Availability.choices, required=False, default=Availability.AVAILABLE
    )
    max_active_contracts = serializers.IntegerField(
        min_value=1, max_value=10, required=False, default=3
    )


class OwnFreelancerProfileSerializer(serializers.Serializer):
    headline = serializers.CharField()
    bio = serializers.CharField()
    skills = serializers.SerializerMethodField()
    starting_price = serializers.IntegerField(allow_null=True)
    city = serializers.CharField()
    province = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    availability = serializers.CharField()
    max_active_contracts = serializers.IntegerField()
    listed = serializers.BooleanField(
        source="is_listed", help_text="Shown in the directory (a headline is written)."
    )
    reputation = serializers.SerializerMethodField()

    @extend_schema_field(ReputationSerializer)
    def get_reputation(self, profile: FreelancerProfile) -> dict:
        return reputation_explained(profile)

    @extend_schema_field(SkillRefSerializer(many=True))
    def get_skills(self, profile: FreelancerProfile) -> list:
        skills = profile.skills.all() if profile.pk else []
        # many=True answers a ReturnList; the stubs type .data as a ReturnDict.
        return SkillRefSerializer(skills, many=True).data  # type: ignore[return-value]


class ReputationChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    figure = serializers.CharField()
    old_value = serializers.CharField()
    new_value = serializers.CharField()
    cause = serializers.CharField()
    cause_text = serializers.CharField(source="get_cause_display")
    reference = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema(tags=["profiles"])
class FreelancerListApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[FreelancerQuerySerializer], responses=page_of(FreelancerSerializer))
    def get(self, request: Request) -> Response:
        query = validated_query(FreelancerQuerySerializer, request)
        for key in ("cursor", "page_size"):
            query.pop(key, None)
        sort = query.pop("sort")
        profiles = selectors.freelancer_directory(**query)
        return paginate(
            self, request, profiles, FreelancerSerializer, selectors.FREELANCER_SORTS[sort]
        )


@extend_schema(tags=["profiles"])
class FreelancerDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=FreelancerDetailSerializer)
    def get(self, request: Request, username: str) -> Response:
        profile = selectors.freelancer_get(username=username)
        return Response(FreelancerDetailSerializer(profile, context={"request": request}).data)


def _own_profile_response(user) -> Response:
    return Response(
        OwnFreelancerProfileSerializer(selectors.freelancer_profile_own(user=user)).data
    )


@extend_schema(tags=["profiles"])
class MyFreelancerProfileApi(APIView):
    @extend_schema(responses=OwnFreelancerProfileSerializer)
    def get(self, request: Request) -> Response:
        return _own_profile_response(request.user)

    @extend_schema(
        request=FreelancerProfileWriteSerializer, responses=OwnFreelancerProfileSerializer
    )
    def put(self, request: SignedInRequest) -> Response:
        serializer = FreelancerProfileWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        data["skill_ids"] = data.pop("skills")
        services.freelancer_profile_update(user=request.user, **data)
        return _own_profile_response(request.user)


@extend_schema(tags=["profiles"])
class MyReputationChangesApi(APIView):
    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(ReputationChangeSerializer))
    def get(self, request: SignedInRequest) -> Response:
        validated_query(PageQuerySerializer, request)
        changes = selectors.reputation_change_list(user=request.user)
        return paginate(self, request, changes, ReputationChangeSerializer)

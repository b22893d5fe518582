"""API shapes for accounts. Rules live in services; these only check types and lengths."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.masking import shown
from accounts.models import (
    USERNAME_PATTERN,
    Availability,
    ClientProfile,
    FreelancerProfile,
    Language,
    PortfolioImage,
    PortfolioItem,
    Province,
    User,
)
from accounts.reputation import reputation_explained
from marketplace.api.strict import StrictModelSerializer, StrictSerializer
from marketplace.images import refusal_message
from marketplace.text import validate_single_line

if TYPE_CHECKING:
    from accounts.requests import Viewer


def request_viewer(context: Mapping[str, Any]) -> Viewer:
    """The user a serializer's output is for (``context["request"].user``); None without one,
    who is nobody's author."""
    return getattr(context.get("request"), "user", None)


class ShownTextField(serializers.CharField):
    """A text someone wrote, as this request's user may read it: with contact details masked
    unless they wrote it or moderate (``accounts.masking.shown``, from the stored copies)."""

    def __init__(self, text: str | None = None, *, of: str = "", **kwargs: Any) -> None:
        # The model field; the serializer field's own name by default (bind() sets it).
        self.text = text or ""
        self.of = of  # the attribute path to the row holding it ("contract.gig"); "" for itself
        # Not read_only: these serializers only answer, and the schema keeps its shape.
        super().__init__(source="*", **kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        self.text = self.text or field_name

    def to_representation(self, obj: Any) -> str:
        for name in self.of.split(".") if self.of else ():
            obj = getattr(obj, name)
        return shown(obj, self.text, request_viewer(self.context))


class UserSerializer(StrictModelSerializer):
    """The logged-in user's own account."""

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "email_verified_at",
            "display_name",
            "preferred_language",
            "date_joined",
        ]
        read_only_fields = ["id", "username", "email", "email_verified_at", "date_joined"]


class RegisterSerializer(StrictSerializer):
    username = serializers.RegexField(
        USERNAME_PATTERN,
        max_length=30,
        min_length=3,
        error_messages={
            "invalid": _(
                "Use 3–30 letters, digits, dots or underscores, starting and ending with a "
                "letter or digit."
            )
        },
    )
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, min_length=1, max_length=128)
    display_name = serializers.CharField(
        validators=[validate_single_line], max_length=80, required=False, allow_blank=True
    )
    preferred_language = serializers.ChoiceField(
        choices=User.Language.choices, required=False, default=User.Language.INDONESIAN
    )


class LoginSerializer(StrictSerializer):
    username = serializers.CharField(
        max_length=254, help_text="Your username or your e-mail address."
    )
    password = serializers.CharField(write_only=True, max_length=128)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`.")
    expires_at = serializers.DateTimeField()
    user = UserSerializer()


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


# --- profiles and reputation ------------------------------------------------------------------


class SkillRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


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

    def get_email_verified(self, profile: FreelancerProfile) -> bool:
        return profile.user.email_verified_at is not None


class PortfolioImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=PortfolioImage.Status.choices,
        help_text=(
            "`processing` right after the upload, while a worker cleans the image (only its "
            "owner sees it then); `ready` once shown to everyone; `failed` when the picture "
            "turned out unreadable (see `error`; delete it and upload again)."
        ),
    )
    error = serializers.SerializerMethodField(help_text="Why processing failed, else null.")
    url = serializers.SerializerMethodField(help_text="Null until the image is ready.")
    content_type = serializers.CharField()
    width = serializers.IntegerField(help_text="Pixels, as shown (final once ready).")
    height = serializers.IntegerField()
    size = serializers.IntegerField(help_text="Bytes: as uploaded until ready, then as stored.")

    def get_url(self, image: PortfolioImage) -> str | None:
        if image.status != PortfolioImage.Status.READY:
            return None
        return f"/api/v1/portfolio-items/{image.item_id}/images/{image.pk}/"

    def get_error(self, image: PortfolioImage) -> str | None:
        if image.status != PortfolioImage.Status.FAILED:
            return None
        return refusal_message(image.error_code)


class PortfolioItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    owner = serializers.CharField(source="owner.username")
    title = ShownTextField()
    description = ShownTextField()
    category = serializers.CharField(source="category.slug", allow_null=True, default=None)
    skills = SkillRefSerializer(many=True, source="skills.all")
    link = serializers.CharField()
    position = serializers.IntegerField()
    verified_contract = serializers.IntegerField(
        source="contract_id",
        allow_null=True,
        help_text="Set when this is paid work delivered on Garap, shown with the client's leave.",
    )
    images = PortfolioImageSerializer(many=True, source="images.all")
    created_at = serializers.DateTimeField()


class FreelancerDetailSerializer(FreelancerSerializer):
    bio = ShownTextField()
    languages = serializers.ListField(child=serializers.CharField())
    max_active_contracts = serializers.IntegerField()
    reputation = serializers.SerializerMethodField()
    portfolio = PortfolioItemSerializer(many=True, source="user.portfolio_items.all")

    @extend_schema_field(ReputationSerializer)
    def get_reputation(self, profile: FreelancerProfile) -> dict:
        return reputation_explained(profile)


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
    starting_price = serializers.IntegerField(
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


class ClientRecordSerializer(serializers.Serializer):
    """What freelancers see about a client before bidding (docs/reputation.md)."""

    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.public_name")
    shop_name = serializers.CharField()
    email_verified = serializers.SerializerMethodField()
    member_since = serializers.DateTimeField(source="user.date_joined")
    gigs_posted = serializers.IntegerField()
    hires = serializers.IntegerField()
    hire_rate = serializers.FloatField(
        allow_null=True, help_text="Hires ÷ gigs whose bidding ended."
    )
    avg_approval_seconds = serializers.IntegerField(
        allow_null=True, help_text="Mean time from a delivery to its release."
    )
    dispute_rate = serializers.FloatField(
        allow_null=True, help_text="Contracts with a dispute ÷ contracts."
    )
    revisions_per_milestone = serializers.FloatField(allow_null=True)
    rating_average = serializers.FloatField(allow_null=True, help_text="From freelancers' reviews.")
    rating_count = serializers.IntegerField()
    updated_at = serializers.DateTimeField(source="figures_computed_at", allow_null=True)

    def get_email_verified(self, profile: ClientProfile) -> bool:
        return profile.user.email_verified_at is not None


class ClientProfileWriteSerializer(StrictSerializer):
    shop_name = serializers.CharField(
        validators=[validate_single_line], max_length=80, allow_blank=True
    )


class PortfolioItemWriteSerializer(StrictSerializer):
    title = serializers.CharField(validators=[validate_single_line], max_length=120)
    description = serializers.CharField(max_length=3000, required=False, allow_blank=True)
    category = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1, help_text="Category id."
    )
    skills = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        max_length=PortfolioItem.MAX_SKILLS,
    )
    link = serializers.URLField(max_length=300, required=False, allow_blank=True)
    position = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class ImageUploadSerializer(StrictSerializer):
    image = serializers.FileField(
        help_text="JPEG, PNG or WebP, at most 5 MB, 4096 px a side and 16 megapixels."
    )


class ReputationChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    figure = serializers.CharField()
    old_value = serializers.CharField()
    new_value = serializers.CharField()
    cause = serializers.CharField()
    cause_text = serializers.CharField(source="get_cause_display")
    reference = serializers.CharField()
    created_at = serializers.DateTimeField()


class EmailVerifySerializer(StrictSerializer):
    token = serializers.CharField(max_length=500)


class FreelancerQuerySerializer(serializers.Serializer):
    skills = serializers.CharField(
        required=False, max_length=200, help_text="Comma-separated skill ids, any of them."
    )
    category = serializers.SlugField(required=False, max_length=60)
    min_rating = serializers.DecimalField(
        required=False, max_digits=4, decimal_places=3, min_value=0, max_value=5
    )
    price_min = serializers.IntegerField(required=False, min_value=0, max_value=2**62)
    price_max = serializers.IntegerField(required=False, min_value=0, max_value=2**62)
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


class PortfolioQuerySerializer(serializers.Serializer):
    owner = serializers.RegexField(
        USERNAME_PATTERN,
        required=False,
        max_length=30,
        help_text="Whose portfolio; your own when omitted.",
    )
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)

"""API shapes of services (jasa): the card in lists, the full service, what a freelancer
writes, the browse query. Types and lengths only; the rules live in services.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.shared import ShownTextField
from accounts.masking import shown
from marketplace.api.rupiah import RupiahAmountField
from marketplace.api.strict import StrictSerializer
from marketplace.text import validate_single_line
from projects.api.gigs.serializers import CategoryBriefSerializer, SkillBriefSerializer
from projects.api.shared import (
    CONTACT_DETAILS_HIDDEN_HELP,
    MAX_INT,
    ContactMaskingMixin,
    PersonSerializer,
)
from projects.models import Service, ServiceExtra, ServicePackage, ServiceRequirement
from projects.selectors.services import SORTS


class PackageSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(choices=ServicePackage.Tier.choices)
    name = ShownTextField()
    description = ShownTextField(help_text="What is included.")
    price = serializers.IntegerField(help_text="Whole rupiah.")
    delivery_days = serializers.IntegerField()
    revisions_included = serializers.IntegerField()


class ExtraSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ServiceExtra.Kind.choices)
    price = serializers.IntegerField(help_text="Whole rupiah.")
    days_saved = serializers.IntegerField(help_text="Faster delivery: days sooner.")


class RequirementSerializer(serializers.Serializer):
    question = ShownTextField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # a field, not Field's flag


class ServiceListSerializer(ContactMaskingMixin, serializers.Serializer):
    """The card shown in lists: a summary of the description, the packages."""

    id = serializers.IntegerField()
    title = ShownTextField()
    summary = serializers.SerializerMethodField()
    category = CategoryBriefSerializer()
    skills = SkillBriefSerializer(many=True, source="skills.all")
    freelancer = PersonSerializer()
    status = serializers.ChoiceField(choices=Service.Status.choices)
    price_from = serializers.IntegerField(
        allow_null=True, help_text="Whole rupiah: the cheapest package's price."
    )
    fastest_delivery_days = serializers.IntegerField(
        allow_null=True, help_text="The quickest package's delivery days."
    )
    packages = PackageSerializer(many=True, source="packages.all")
    published_at = serializers.DateTimeField(allow_null=True)
    contact_details_hidden = serializers.SerializerMethodField(
        help_text=CONTACT_DETAILS_HIDDEN_HELP
    )

    def get_summary(self, service: Service) -> str:
        # Masked (when written) before it is cut, so a cut cannot leave half a number unmasked.
        return shown(service, "description", self._viewer())[:200]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_contact_details_hidden(self, service: Service) -> list[str]:
        return self._hidden_for_author(service.content_flags, service.freelancer_id)


class ServiceSerializer(ServiceListSerializer):
    description = ShownTextField()
    extras = ExtraSerializer(many=True, source="extras.all")
    requirements = RequirementSerializer(many=True, source="requirements.all")
    rejection_reason = serializers.CharField(
        help_text="The moderator's reason; its freelancer and moderators only."
    )
    content_flags = serializers.ListField(
        child=serializers.CharField(), help_text="Its freelancer and moderators only."
    )
    actions = serializers.ListField(
        child=serializers.CharField(),
        help_text="What you may do with it now (submit, pause, resume, archive); [] unless "
        "it is yours.",
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class PackageWriteSerializer(StrictSerializer):
    tier = serializers.ChoiceField(choices=ServicePackage.Tier.choices)
    name = serializers.CharField(
        validators=[validate_single_line], max_length=ServicePackage.NAME_MAX_LENGTH
    )
    description = serializers.CharField(
        max_length=ServicePackage.DESCRIPTION_MAX_LENGTH, help_text="What is included."
    )
    price = RupiahAmountField(
        min_value=1,
        max_value=settings.GIG_MAX_BUDGET,
        help_text="Whole rupiah, at least the category's minimum price.",
    )
    delivery_days = serializers.IntegerField(
        min_value=1, max_value=ServicePackage.MAX_DELIVERY_DAYS
    )
    revisions_included = serializers.IntegerField(
        min_value=0, max_value=ServicePackage.MAX_REVISIONS, required=False, default=0
    )


class ExtraWriteSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=ServiceExtra.Kind.choices)
    price = RupiahAmountField(min_value=1, max_value=settings.GIG_MAX_BUDGET)
    days_saved = serializers.IntegerField(
        min_value=0,
        max_value=ServicePackage.MAX_DELIVERY_DAYS,
        required=False,
        default=0,
        help_text="Faster delivery only: days sooner than the package's.",
    )


class RequirementWriteSerializer(StrictSerializer):
    question = serializers.CharField(max_length=ServiceRequirement.QUESTION_MAX_LENGTH)
    required = serializers.BooleanField(required=False, default=True)  # type: ignore[assignment]


class ServiceWriteSerializer(StrictSerializer):
    title = serializers.CharField(
        validators=[validate_single_line],
        max_length=Service.TITLE_MAX_LENGTH,
        min_length=Service.TITLE_MIN_LENGTH,
    )
    description = serializers.CharField(
        max_length=Service.DESCRIPTION_MAX_LENGTH, min_length=Service.DESCRIPTION_MIN_LENGTH
    )
    category = serializers.IntegerField(min_value=1, max_value=MAX_INT, help_text="Category id.")
    skills = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_INT),
        max_length=settings.GIG_MAX_SKILLS,
        required=False,
        help_text="Skill ids (at most 10).",
    )
    # Longer lists are the services' refusal (a 400 naming the field), not the serializer's:
    # one rule, written once.
    packages = PackageWriteSerializer(
        many=True,
        required=False,
        max_length=10,  # type: ignore[call-arg]  # DRF takes it; its stubs do not
        help_text="At most three, one per tier; replaces the service's packages.",
    )
    extras = ExtraWriteSerializer(
        many=True,
        required=False,
        max_length=10,  # type: ignore[call-arg]
        help_text="Replaces the service's extras.",
    )
    requirements = RequirementWriteSerializer(
        many=True,
        required=False,
        max_length=20,  # type: ignore[call-arg]
        help_text="Questions the client answers when ordering; replaces the service's.",
    )


class ServiceCreateSerializer(ServiceWriteSerializer):
    publish = serializers.BooleanField(
        default=False, help_text="Submit at once instead of saving a draft."
    )


class ServiceBrowseQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, help_text="Words to search for.")
    category = serializers.SlugField(required=False, max_length=60, help_text="Category slug.")
    skills = serializers.CharField(
        required=False, max_length=200, help_text="Comma-separated skill ids, any of them."
    )
    price_min = RupiahAmountField(
        required=False, min_value=0, max_value=2**62, help_text="On the cheapest package."
    )
    price_max = RupiahAmountField(
        required=False, min_value=0, max_value=2**62, help_text="On the cheapest package."
    )
    delivery_days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=ServicePackage.MAX_DELIVERY_DAYS,
        help_text="A package delivers within this many days.",
    )
    sort = serializers.ChoiceField(choices=list(SORTS), required=False, default="newest")
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Your own services in every state instead."
    )
    status = serializers.ChoiceField(
        choices=Service.Status.choices, required=False, help_text="With mine=true."
    )
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)

    def validate_skills(self, value: str) -> list[int]:
        try:
            ids = [int(part) for part in value.split(",") if part.strip()]
        except ValueError:
            raise serializers.ValidationError("Give skill ids separated by commas.") from None
        if not ids or any(i < 1 or i > MAX_INT for i in ids) or len(ids) > 20:
            raise serializers.ValidationError("Give 1 to 20 skill ids separated by commas.")
        return ids


def plain(data: Any) -> Any:
    """Validated nested rows as plain dicts for the services."""
    if isinstance(data, list):
        return [plain(item) for item in data]
    if isinstance(data, dict):
        return {key: plain(value) for key, value in data.items()}
    return data

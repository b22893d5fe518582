"""API shapes of gigs: the card in lists (and ``gig_cards``, the same cards built from rows),
the full gig, what a client writes, the browse query. Types and lengths only; the rules live
in services.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from accounts.api.shared import ShownTextField
from accounts.masking import hidden_kinds, shown, shown_text
from marketplace.api.rupiah import RupiahAmountField
from marketplace.api.strict import StrictSerializer
from marketplace.text import validate_single_line
from projects.api.shared import (
    CONTACT_DETAILS_HIDDEN_HELP,
    MAX_INT,
    AttachmentSerializer,
    ContactMaskingMixin,
    PersonSerializer,
)
from projects.models import Gig
from projects.selectors.gigs import SORTS

if TYPE_CHECKING:
    from accounts.requests import Viewer


class SkillBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class CategoryBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name_id = serializers.CharField()
    name_en = serializers.CharField()
    min_price = serializers.IntegerField()


class GigListSerializer(ContactMaskingMixin, serializers.Serializer):
    """The lean card shown in lists: no description beyond a summary, no bids."""

    id = serializers.IntegerField()
    title = ShownTextField()
    summary = serializers.SerializerMethodField()
    category = CategoryBriefSerializer()
    skills = SkillBriefSerializer(many=True, source="skills.all")
    budget = serializers.IntegerField(help_text="Whole rupiah.")
    bidding_deadline = serializers.DateTimeField()
    delivery_deadline = serializers.DateTimeField()
    visibility = serializers.ChoiceField(choices=Gig.Visibility.choices)
    status = serializers.ChoiceField(choices=Gig.Status.choices)
    bidding_open = serializers.BooleanField(
        source="takes_bids",
        help_text="Open and before its bidding deadline: bids are taken now. An open gig past "
        "its deadline waits for its client's award.",
    )
    bid_count = serializers.IntegerField()
    client = PersonSerializer()
    published_at = serializers.DateTimeField(allow_null=True)
    contact_details_hidden = serializers.SerializerMethodField(
        help_text=CONTACT_DETAILS_HIDDEN_HELP
    )

    def get_summary(self, gig: Gig) -> str:
        # Masked (when written) before it is cut, so a cut cannot leave half a number unmasked.
        return shown(gig, "description", self._viewer())[:200]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_contact_details_hidden(self, gig: Gig) -> list[str]:
        return self._hidden_for_author(gig.content_flags, gig.client_id)


def gig_cards(
    rows: Sequence[Any], skills: dict[int, list[dict[str, Any]]], viewer: Viewer
) -> list[dict[str, Any]]:
    """``GigListSerializer``'s output for card rows (``projects.selectors.gigs.CARD_COLUMNS``)
    and their skills (``gig_card_skills``) as ``viewer`` sees them: the API's gig lists.

    The serializer stays the declared shape (the OpenAPI schema, the pages); this builds the
    same dicts without DRF's per-field machinery, which cost more than the query (issue #9).
    tests/projects/test_gig_list_fast.py holds the two equal, masked texts included.
    """
    iso = _datetime_text()
    now = timezone.now()
    cards = []
    for row in rows:
        client_id = row.client_id
        title = row.title
        description = row.description
        if row.title_masked or row.description_masked:  # stored when the gig was written
            title = shown_text(title, row.title_masked, author_id=client_id, viewer=viewer)
            description = shown_text(
                description, row.description_masked, author_id=client_id, viewer=viewer
            )
        kinds: list[str] = []
        if row.flags_json != "[]":  # most rows: no JSON to read
            kinds = hidden_kinds(json.loads(row.flags_json), author_id=client_id, viewer=viewer)
        published_at = row.published_at
        cards.append(
            {
                "id": row.id,
                "title": title,
                "summary": description[:200],
                "category": {
                    "id": row.category_id,
                    "slug": row.category__slug,
                    "name_id": row.category__name_id,
                    "name_en": row.category__name_en,
                    "min_price": row.category__min_price,
                },
                "skills": skills.get(row.id, []),
                "budget": row.budget,
                "bidding_deadline": iso(row.bidding_deadline),
                "delivery_deadline": iso(row.delivery_deadline),
                "visibility": row.visibility,
                "status": row.status,
                # Gig.takes_bids, from the row.
                "bidding_open": row.status == Gig.Status.OPEN and now < row.bidding_deadline,
                "bid_count": row.bid_count,
                "client": {
                    "username": row.client__username,
                    "display_name": row.client__display_name,
                },
                "published_at": None if published_at is None else iso(published_at),
                "contact_details_hidden": kinds,
            }
        )
    return cards


def _datetime_text() -> Callable[[datetime], str]:
    """What DRF's DateTimeField makes of an aware datetime, without its per-value lookups:
    the time in the active time zone, ISO 8601 with UTC written ``Z``."""
    if str(api_settings.DATETIME_FORMAT).lower() != ISO_8601:  # pragma: no cover - not ours
        return serializers.DateTimeField().to_representation
    zone = timezone.get_current_timezone()

    def text(value: datetime) -> str:
        iso = value.astimezone(zone).isoformat()
        return iso[:-6] + "Z" if iso.endswith("+00:00") else iso

    return text


class GigSerializer(GigListSerializer):
    description = ShownTextField()
    attachments = AttachmentSerializer(many=True, source="attachments.all")
    rejection_reason = serializers.CharField()
    content_flags = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class GigWriteSerializer(StrictSerializer):
    title = serializers.CharField(
        validators=[validate_single_line],
        max_length=Gig.TITLE_MAX_LENGTH,
        min_length=Gig.TITLE_MIN_LENGTH,
    )
    description = serializers.CharField(
        max_length=Gig.DESCRIPTION_MAX_LENGTH, min_length=Gig.DESCRIPTION_MIN_LENGTH
    )
    category = serializers.IntegerField(min_value=1, max_value=MAX_INT, help_text="Category id.")
    skills = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_INT),
        max_length=settings.GIG_MAX_SKILLS,
        required=False,
        help_text="Skill ids (at most 10).",
    )
    budget = RupiahAmountField(
        min_value=1,
        max_value=settings.GIG_MAX_BUDGET,
        help_text="Whole rupiah, at least the category's minimum price.",
    )
    bidding_deadline = serializers.DateTimeField(help_text="1 to 14 days from now.")
    delivery_deadline = serializers.DateTimeField(help_text="After the bidding deadline.")
    visibility = serializers.ChoiceField(choices=Gig.Visibility.choices, required=False)


class GigCreateSerializer(GigWriteSerializer):
    publish = serializers.BooleanField(
        default=False, help_text="Submit at once instead of saving a draft."
    )


class GigBrowseQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, help_text="Words to search for.")
    category = serializers.SlugField(required=False, max_length=60, help_text="Category slug.")
    skills = serializers.CharField(
        required=False, max_length=200, help_text="Comma-separated skill ids, any of them."
    )
    budget_min = RupiahAmountField(required=False, min_value=0, max_value=2**62)
    budget_max = RupiahAmountField(required=False, min_value=0, max_value=2**62)
    closes_before = serializers.DateTimeField(required=False)
    sort = serializers.ChoiceField(choices=list(SORTS), required=False, default="newest")
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Your own gigs in every state instead."
    )
    status = serializers.ChoiceField(
        choices=Gig.Status.choices, required=False, help_text="With mine=true."
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

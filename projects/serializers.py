"""API shapes for the projects app. Types and lengths only; the rules live in services."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from accounts.api.shared import ShownTextField, request_viewer
from accounts.masking import hidden_kinds, shown, shown_text
from accounts.models import Category, Skill
from marketplace.api.strict import StrictSerializer
from marketplace.text import validate_single_line
from payments.fees import freelancer_receives, platform_fee
from projects.models import Bid, Contract, ContractMessage, Delivery, DeliveryFile, Gig, Milestone
from projects.policies.messages import message_content_shown, message_hidden_kinds
from projects.selectors.gigs import SORTS

if TYPE_CHECKING:
    from accounts.requests import Viewer

MAX_INT = 2**31 - 1

CONTACT_DETAILS_HIDDEN_HELP = (
    "Yours only: the kinds of contact details (e.g. phone, email) hidden from others in this "
    "text until a contract is funded; [] for everyone else."
)


class ContactMaskingMixin(serializers.Serializer):
    """Tells a text's author which kinds of contact detail the others do not see
    (``contact_details_hidden``, from the flags stored on the row: no query per row). The texts
    themselves are ``ShownTextField``s: masked when written, chosen per reader by
    ``accounts.masking``. The viewer is ``context["request"].user``: without a request nobody
    is the author.
    """

    def _viewer(self) -> Any:
        return request_viewer(self.context)

    def _hidden_for_author(self, flags: Sequence[str], author_id: int) -> list[str]:
        return hidden_kinds(flags, author_id=author_id, viewer=self._viewer())


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name_id", "name_en", "min_price"]


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "slug", "name", "category"]


class PersonSerializer(serializers.Serializer):
    """How another user appears on gigs, bids and contracts."""

    username = serializers.CharField()
    display_name = serializers.CharField()


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


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = ShownTextField("original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")


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
    budget = serializers.IntegerField(
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
    budget_min = serializers.IntegerField(required=False, min_value=0, max_value=2**62)
    budget_max = serializers.IntegerField(required=False, min_value=0, max_value=2**62)
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


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    freelancer = PersonSerializer()
    created_at = serializers.DateTimeField()


class InvitationCreateSerializer(StrictSerializer):
    freelancer = serializers.CharField(max_length=30, help_text="The freelancer's username.")


class AttachmentUploadSerializer(StrictSerializer):
    file = serializers.FileField(
        help_text="PDF, image, Office document or text; at most ATTACHMENT_MAX_BYTES."
    )


class FeeFieldsMixin(serializers.Serializer):
    platform_fee = serializers.SerializerMethodField(help_text="Whole rupiah, taken at release.")
    freelancer_receives = serializers.SerializerMethodField(
        help_text="Whole rupiah: the amount less the platform fee."
    )

    @extend_schema_field(serializers.IntegerField())
    def get_platform_fee(self, obj: Bid | Milestone | Contract) -> int:
        return platform_fee(obj.amount)

    @extend_schema_field(serializers.IntegerField())
    def get_freelancer_receives(self, obj: Bid | Milestone | Contract) -> int:
        return freelancer_receives(obj.amount)


class BidSerializer(ContactMaskingMixin, FeeFieldsMixin, serializers.Serializer):
    id = serializers.IntegerField()
    gig = serializers.IntegerField(source="gig_id")
    freelancer = PersonSerializer()
    amount = serializers.IntegerField(help_text="Whole rupiah the client pays.")
    delivery_days = serializers.IntegerField()
    cover_letter = ShownTextField()
    revisions_included = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Bid.Status.choices)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    contact_details_hidden = serializers.SerializerMethodField(
        help_text=CONTACT_DETAILS_HIDDEN_HELP
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_contact_details_hidden(self, bid: Bid) -> list[str]:
        return self._hidden_for_author(bid.contact_flags, bid.freelancer_id)


class BidWriteSerializer(StrictSerializer):
    amount = serializers.IntegerField(
        min_value=1,
        max_value=settings.GIG_MAX_BUDGET,
        help_text="Whole rupiah, at least the category's minimum price.",
    )
    delivery_days = serializers.IntegerField(
        min_value=Bid.DELIVERY_DAYS_MIN, max_value=Bid.DELIVERY_DAYS_MAX
    )
    cover_letter = serializers.CharField(
        min_length=Bid.COVER_LETTER_MIN_LENGTH, max_length=Bid.COVER_LETTER_MAX_LENGTH
    )
    revisions_included = serializers.IntegerField(
        min_value=0, max_value=Bid.REVISIONS_MAX, default=Bid.REVISIONS_DEFAULT
    )


class BidUpdateSerializer(BidWriteSerializer):
    revisions_included = serializers.IntegerField(min_value=0, max_value=Bid.REVISIONS_MAX)


class MilestoneSerializer(FeeFieldsMixin, serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = ShownTextField()
    amount = serializers.IntegerField(help_text="Whole rupiah.")
    due_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Milestone.Status.choices)
    revisions_used = serializers.IntegerField()
    funded_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)


class GigBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = ShownTextField()


class ContractSerializer(FeeFieldsMixin, serializers.Serializer):
    id = serializers.IntegerField()
    gig = GigBriefSerializer()
    bid = serializers.IntegerField(source="bid_id")
    client = PersonSerializer()
    freelancer = PersonSerializer()
    amount = serializers.IntegerField(help_text="Whole rupiah.")
    revisions_included = serializers.IntegerField()
    agreed_delivery_at = serializers.DateTimeField(
        help_text="The delivery date the accepted bid promised: no milestone may be due before "
        "it (to the minute)."
    )
    status = serializers.ChoiceField(choices=Contract.Status.choices)
    milestones = MilestoneSerializer(many=True, source="milestones.all")
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField(help_text="How it ended; empty while active.")
    portfolio_allowed = serializers.BooleanField(
        help_text="The client lets the freelancer show this work in their portfolio."
    )


class DeliveredFileSerializer(AttachmentSerializer):
    # Delivered on a funded milestone, read by the parties only: nothing is masked.
    name = serializers.CharField(source="original_name")  # type: ignore[assignment]  # unmasked
    download_url = serializers.SerializerMethodField(
        help_text="Where the contract's parties (and moderators) download it: "
        "GET contracts/{id}/deliveries/files/{fid}/ on this host."
    )

    def get_download_url(self, delivered: DeliveryFile) -> str:
        contract_id = self.context["contract_id"]
        return reverse("api:delivery-file", args=[contract_id, delivered.pk])


class RevisionRequestSerializer(serializers.Serializer):
    note = serializers.CharField(help_text="What the client asked to change.")
    created_at = serializers.DateTimeField()


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    milestone = serializers.IntegerField(source="milestone_id")
    note = serializers.CharField(help_text="What the freelancer says they deliver.")
    files = DeliveredFileSerializer(many=True, source="files.all")
    revision_request = serializers.SerializerMethodField(
        help_text="The changes the client asked for after this delivery; null if none."
    )
    created_at = serializers.DateTimeField()

    @extend_schema_field(RevisionRequestSerializer(allow_null=True))
    def get_revision_request(self, delivery: Delivery) -> dict[str, Any] | None:
        asked = getattr(delivery, "revision_request", None)
        return None if asked is None else RevisionRequestSerializer(asked).data


class MilestonePartSerializer(StrictSerializer):
    title = serializers.CharField(
        validators=[validate_single_line], max_length=Milestone.TITLE_MAX_LENGTH, min_length=1
    )
    amount = serializers.IntegerField(min_value=1, max_value=settings.GIG_MAX_BUDGET)
    due_at = serializers.DateTimeField()


class MilestoneSplitSerializer(StrictSerializer):
    # many=True makes a ListSerializer, which takes the lengths (the stubs do not know).
    milestones = MilestonePartSerializer(  # type: ignore[call-arg]
        many=True, min_length=1, max_length=settings.MILESTONES_MAX
    )


class MessageSerializer(ContactMaskingMixin, serializers.Serializer):
    id = serializers.IntegerField()
    sender = PersonSerializer()
    body = ShownTextField()
    attachments = AttachmentSerializer(many=True, source="attachments.all")
    created_at = serializers.DateTimeField()
    removed = serializers.SerializerMethodField(
        help_text="A moderator removed it: its body and files are shown to moderators only."
    )
    contact_details_hidden = serializers.SerializerMethodField(
        help_text=CONTACT_DETAILS_HIDDEN_HELP
    )

    @extend_schema_field(serializers.BooleanField())
    def get_removed(self, message: ContractMessage) -> bool:
        return message.removed_at is not None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_contact_details_hidden(self, message: ContractMessage) -> list[str]:
        return message_hidden_kinds(message, self._viewer())

    def to_representation(self, message: ContractMessage) -> dict[str, Any]:
        data = super().to_representation(message)
        if not message_content_shown(message, self._viewer()):
            data["body"], data["attachments"] = "", []
        return data


class MessageCreateSerializer(StrictSerializer):
    body = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    files = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=settings.ATTACHMENTS_PER_MESSAGE
    )


class SkillQuerySerializer(serializers.Serializer):
    category = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_INT, help_text="Only this category's skills."
    )
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


class ContractListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Contract.Status.choices, required=False)
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


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
    freelancer_amount = serializers.IntegerField(
        min_value=0,
        max_value=settings.GIG_MAX_BUDGET,
        help_text="Whole rupiah of the milestone's amount the freelancer receives (before fee).",
    )
    note = serializers.CharField(max_length=3000, required=False, default="", allow_blank=True)

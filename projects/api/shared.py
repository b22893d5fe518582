"""API shapes and constants that several parts of the projects API use: a person, a file, the
fee fields, the contact-masking mixin, a contract with its milestones. Types and lengths
only; the rules live in services.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from accounts.api.shared import ShownTextField, request_viewer
from accounts.masking import hidden_kinds
from payments.fees import freelancer_receives, platform_fee
from projects.models import Bid, Contract, Milestone, RevisionRequest
from projects.selectors.contracts import revision_requests_of

MAX_INT = 2**31 - 1

CONTACT_DETAILS_HIDDEN_HELP = (
    "Yours only: the kinds of contact details (e.g. phone, email) hidden from others in this "
    "text until a contract is funded; [] for everyone else."
)

# A stored file: a download, or (an image or PDF whose bytes were checked) shown in the browser
# with the type its bytes showed (marketplace.storage.download_response).
DOWNLOAD = {
    (200, content_type): OpenApiTypes.BINARY
    for content_type in (
        "application/octet-stream",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
    )
}
DOWNLOAD_PARAMETERS = [
    OpenApiParameter(
        "download",
        OpenApiTypes.STR,
        enum=["1", "true", "0", "false"],
        description="1 to save the file (attachment) even when it is an image or PDF the "
        "browser could show; by default such a file opens inline, sandboxed. Any other value "
        "is a 400.",
    )
]


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


class PersonSerializer(serializers.Serializer):
    """How another user appears on gigs, bids and contracts."""

    username = serializers.CharField()
    display_name = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = ShownTextField("original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")


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


class RevisionRequestSerializer(serializers.Serializer):
    # Asked on submitted work, so the milestone is funded: read by the parties only, unmasked.
    number = serializers.IntegerField(
        help_text="Which of the contract's included revisions this is (1 for the first)."
    )
    delivery = serializers.IntegerField(source="delivery_id", help_text="The delivery it answers.")
    note = serializers.CharField(help_text="What the client asked to change.")
    created_at = serializers.DateTimeField()


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
    revision_requests = serializers.SerializerMethodField(
        help_text="The revisions the client asked for, oldest first (always the contract's "
        "client: only the client may ask). Seen by the two parties and moderators."
    )

    @extend_schema_field(RevisionRequestSerializer(many=True))
    def get_revision_requests(self, milestone: Milestone) -> list[dict[str, Any]]:
        asked: list[RevisionRequest] = revision_requests_of(milestone)
        return list(RevisionRequestSerializer(asked, many=True).data)


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

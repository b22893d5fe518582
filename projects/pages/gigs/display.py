"""What a viewer is shown of gigs and bids (masked texts, fees), and which refusals are pages of
their own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accounts.masking import hidden_kinds, shown
from accounts.models import ClientProfile, FreelancerProfile, User
from accounts.reputation_words import reputation_in_words
from accounts.selectors import client_record_get
from marketplace.errors import NotFound, PermissionDenied, RateLimited
from payments.fees import freelancer_receives, platform_fee
from projects.models import Bid, Gig

if TYPE_CHECKING:
    from accounts.requests import Viewer, Visitor


# Refusals that are pages of their own (404/403), not messages on a form.
PAGE_ERRORS = (NotFound, PermissionDenied, RateLimited)  # their own pages


@dataclass
class Shown:
    """A row and what this viewer is shown of it (masked texts, fees)."""

    obj: Any
    data: dict[str, Any]


def card(gig: Gig, viewer: Viewer) -> Shown:
    return Shown(
        gig,
        {
            "title": shown(gig, "title", viewer),
            # Masked (when written) before it is cut: no half a phone number in a summary.
            "summary": shown(gig, "description", viewer)[:200],
            "skills": list(gig.skills.all()),  # prefetched by the selector
        },
    )


def gig_shown(gig: Gig, viewer: Visitor) -> dict[str, Any]:
    data = card(gig, viewer).data
    data["description"] = shown(gig, "description", viewer)
    data["attachments"] = [
        {"id": file.pk, "name": shown(file, "original_name", viewer), "size": file.size}
        for file in gig.attachments.all()
    ]
    data["contact_details_hidden"] = hidden_kinds(
        gig.content_flags, author_id=gig.client_id, viewer=viewer
    )
    return data


def _profile(user: User) -> FreelancerProfile | None:
    """The bidder's published figures, selected with the bid (``bid_list_for_gig``): no query."""
    try:
        return user.freelancer_profile
    except FreelancerProfile.DoesNotExist:
        return None


def bids_shown(bids: list[Bid], viewer: Viewer) -> list[Shown]:
    """Each bid with what its card shows: the cover letter as the viewer may read it, the fee,
    and who the bidder is — their figures and the sentence that says them in words."""
    return [
        Shown(
            bid,
            {
                "profile": (profile := _profile(bid.freelancer)),
                "trust_words": reputation_in_words(profile),
                "cover_letter": shown(bid, "cover_letter", viewer),
                "platform_fee": platform_fee(bid.amount),
                "freelancer_receives": freelancer_receives(bid.amount),
            },
        )
        for bid in bids
    ]


def client_record(client: User) -> ClientProfile | None:
    """The client's public record as ``GET clients/{u}/`` shows it; None for a closed account."""
    try:
        return client_record_get(username=client.username)
    except NotFound:
        return None

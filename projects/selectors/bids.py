"""Reads of bids. Bids are sealed: the gig's client sees them all, a freelancer their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.errors import NotFound
from projects.access import is_moderator
from projects.models import Bid, Gig

if TYPE_CHECKING:
    from accounts.models import User

# A bid a moderator removed is gone from the client's lists; its freelancer still sees it.
_SHOWN_TO_CLIENT = Q(removed_at__isnull=True)


def bid_list_for_gig(*, gig: Gig, user: User) -> QuerySet[Bid]:
    """The client (or a moderator) sees every bid on the gig; anyone else only their own."""
    # The profile comes along for the rating the client sees on each bid card.
    bids = Bid.objects.filter(gig=gig).select_related("freelancer__freelancer_profile")
    if is_moderator(user):
        return bids
    if gig.client_id != user.pk:
        return bids.filter(freelancer=user)
    return bids.filter(_SHOWN_TO_CLIENT)


def bid_get(*, bid_id: int, user: User) -> Bid:
    """A bid seen by its freelancer, the gig's client or a moderator; NotFound for others."""
    bids = Bid.objects.select_related("freelancer", "gig")
    if not is_moderator(user):
        bids = bids.filter(Q(freelancer=user) | Q(gig__client=user, removed_at__isnull=True))
    bid = bids.filter(pk=bid_id).first()
    if bid is None:
        raise NotFound(_("Bid not found."))
    return bid


def bid_client_get(*, bid_id: int, user: User) -> Bid:
    """A bid on one of ``user``'s gigs, for the client's buttons; NotFound for anyone else (the
    bidder and moderators too: they may see the bid, but only its gig's client acts on it)."""
    bid = bid_get(bid_id=bid_id, user=user)
    if bid.gig.client_id != user.pk or bid.removed_at is not None:
        raise NotFound(_("Bid not found."))
    return bid


def bid_rivals_open_count(*, bid: Bid) -> int:
    """How many other open bids on the gig accepting ``bid`` would decline."""
    return Bid.objects.filter(gig_id=bid.gig_id, status__in=Bid.OPEN).exclude(pk=bid.pk).count()


def bid_list_mine(*, user: User) -> QuerySet[Bid]:
    return Bid.objects.filter(freelancer=user).select_related("freelancer", "gig")


def bids_to_review(*, client: User) -> list[Bid]:
    """Bids the client can still act on, on their open gigs, oldest first per gig — as each
    gig's bid list shows them to its client."""
    return list(
        Bid.objects.filter(_SHOWN_TO_CLIENT)
        .filter(gig__client=client, gig__status=Gig.Status.OPEN, status__in=Bid.OPEN)
        .select_related("freelancer", "gig")
        .order_by("gig_id", "created_at", "id")
    )


def gig_has_live_bids(*, gig_id: int) -> bool:
    """Whether a bid on the gig is pending, shortlisted or accepted (its terms are relied on)."""
    return Bid.objects.filter(gig_id=gig_id, status__in=Bid.LIVE).exists()

"""The dashboard, as a client and as a freelancer: gigs by state, contracts with what is due
next, bids to review, and the wallet's month.

Each person sees the roles they act in (``Roles``): a client is not shown a freelancer's
capacity and earnings, a freelancer is not told to post a gig. Someone new sees both first steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.requests import SignedInHttpRequest
from accounts.selectors import freelancer_setup
from payments.selectors.wallet import client_spending_this_month, wallet_releases_this_month
from projects.models import Bid, Contract, Gig, Milestone
from projects.pages.contracts.display import (
    CONTRACT_PILLS,
    Countdown,
    M,
    due_countdown,
    gig_title,
)
from projects.selectors.bids import bid_list_mine, bids_to_review
from projects.selectors.contracts import (
    contract_list,
)
from projects.selectors.gigs import gig_list_owned

CLOSED_SHOWN = 10  # closed gigs and contracts listed on the dashboard, newest first


GIG_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("draft", (Gig.Status.DRAFT,)),
    ("pending_review", (Gig.Status.PENDING_REVIEW,)),
    ("open", (Gig.Status.OPEN,)),
    ("awarded", (Gig.Status.AWARDED,)),
]
CLOSED_GIGS = (Gig.Status.COMPLETED, Gig.Status.EXPIRED, Gig.Status.CANCELLED, Gig.Status.REJECTED)
SETTLED = (M.RELEASED, M.RESOLVED, M.CANCELLED)


@dataclass(frozen=True)
class Roles:
    """The roles a person acts in on Garap. Every account may do both, so a role is what they
    did: a client posted a gig (or hired); a freelancer bid, was hired or wrote a headline to
    present their work."""

    client: bool
    freelancer: bool

    @property
    def show_client(self) -> bool:
        """The client part is shown to clients, and to someone new as one of two first steps."""
        return self.client or not self.freelancer

    @property
    def show_freelancer(self) -> bool:
        return self.freelancer or not self.client


@dataclass
class GigGroup:
    key: str
    label: str
    gigs: list[Gig]


@dataclass
class ContractRow:
    contract: Contract
    pill: str
    gig_title: str
    other: Any
    paid: int  # milestones released or settled
    total: int
    next_milestone: Milestone | None
    due: Countdown | None


@dataclass
class BidsToReview:
    gig: Gig
    bids: list[Bid]


def _group_label(key: str) -> str:
    return {
        "draft": _("Drafts"),
        "pending_review": _("Waiting for a moderator"),
        "open": _("Open for bids"),
        "awarded": _("Awarded"),
    }[key]


def _contract_row(contract: Contract, request: HttpRequest, now: datetime) -> ContractRow:
    milestones = list(contract.milestones.all())  # prefetched by the selector
    upcoming = next((m for m in milestones if m.status not in SETTLED), None)
    is_client = contract.client_id == request.user.pk
    return ContractRow(
        contract=contract,
        pill=CONTRACT_PILLS.get(contract.status, ""),
        gig_title=gig_title(contract.gig, request),
        other=contract.freelancer if is_client else contract.client,
        paid=sum(1 for m in milestones if m.status in (M.RELEASED, M.RESOLVED)),
        total=len(milestones),
        next_milestone=upcoming,
        due=due_countdown(upcoming, now)
        if upcoming and upcoming.status in (M.PENDING, M.FUNDED, M.REVISION_REQUESTED)
        else None,
    )


@login_required
def dashboard(request: SignedInHttpRequest) -> HttpResponse:
    """One person, in the roles they act in: their gigs, bids to review, contracts and spending
    as a client; their bids, active contracts, capacity and this month's earnings as a
    freelancer. A fixed number of queries whatever the number of rows (a role's figures are read
    only for someone in that role)."""
    user, now = request.user, timezone.now()
    live_states = [status for _key, states in GIG_GROUPS for status in states]
    live_gigs = list(
        gig_list_owned(user=user).filter(status__in=live_states).order_by("-created_at")
    )
    closed_gigs = list(
        gig_list_owned(user=user)
        .filter(status__in=CLOSED_GIGS)
        .order_by("-updated_at")[:CLOSED_SHOWN]
    )
    groups = [
        GigGroup(key, _group_label(key), [g for g in live_gigs if g.status in states])
        for key, states in GIG_GROUPS
    ]
    active = list(contract_list(user=user, status=Contract.Status.ACTIVE).order_by("-created_at"))
    closed = list(
        contract_list(user=user)
        .exclude(status=Contract.Status.ACTIVE)
        .order_by("-completed_at", "-id")[:CLOSED_SHOWN]
    )
    rows = [_contract_row(c, request, now) for c in active + closed]
    as_client = [r for r in rows if r.contract.client_id == user.pk]
    as_freelancer = [r for r in rows if r.contract.freelancer_id == user.pk]
    bids = list(bid_list_mine(user=user).order_by("-created_at", "-id")[:50])
    setup = freelancer_setup(user_id=user.pk)
    roles = Roles(
        client=bool(live_gigs or closed_gigs or as_client),
        freelancer=bool(bids or as_freelancer or setup.offers_work),
    )
    context: dict[str, Any] = {"roles": roles}
    if roles.client:
        to_review: dict[int, BidsToReview] = {}
        for bid in bids_to_review(client=user):
            to_review.setdefault(bid.gig_id, BidsToReview(gig=bid.gig, bids=[])).bids.append(bid)
        context |= {
            "gig_groups": groups,
            "closed_gigs": closed_gigs,
            "bids_to_review": list(to_review.values()),
            "client_contracts": as_client,
            "spending": client_spending_this_month(user=user, now=now),
        }
    if roles.freelancer:
        active_rows = [r for r in as_freelancer if r.contract.status == Contract.Status.ACTIVE]
        context |= {
            "freelancer_active": active_rows,
            "freelancer_closed": [
                r for r in as_freelancer if r.contract.status != Contract.Status.ACTIVE
            ],
            "bids": [(bid, gig_title(bid.gig, request)) for bid in bids],
            "active_count": len(active_rows),
            "capacity": setup.capacity,
            "at_capacity": len(active_rows) >= setup.capacity,
            "earnings": wallet_releases_this_month(user=user, now=now),
        }
    context["month"] = timezone.localtime(now)
    return render(request, "projects/dashboard.html", context)

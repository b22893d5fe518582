"""The buttons on a bid: withdraw, shortlist, reject, accept.

Reject and accept cannot be undone, so each asks first, without JavaScript: the gig page links
to the bid's confirmation page (GET), which shows the bid, its price and what happens next (for
an accept, what the client pays and the freelancer receives after the fee), and its button
posts with ``confirm``. A post without ``confirm`` (a page from before this step) gets the
confirmation page too, and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.requests import SignedInHttpRequest
from marketplace.errors import DomainError
from payments.fees import freelancer_receives, platform_fee
from projects.models import Bid, Gig
from projects.pages.gigs.display import PAGE_ERRORS, bids_shown, card
from projects.selectors import bids as bid_selectors
from projects.services import bids as bid_services


def _bid_button(action: Any, success: Promise, anchor: str) -> Callable[..., HttpResponse]:
    """The page view of a bid's transition by its button: a message, then back to the gig page
    at ``anchor`` (``{bid_id}`` is filled in)."""

    @login_required
    @require_POST
    def view(request: SignedInHttpRequest, bid_id: int) -> HttpResponse:
        try:
            bid = action(bid_id=bid_id, actor=request.user)
        except PAGE_ERRORS:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
            bid = bid_selectors.bid_get(bid_id=bid_id, user=request.user)
        else:
            messages.success(request, str(success))
        return redirect(reverse("gig-detail", args=[bid.gig_id]) + anchor.format(bid_id=bid_id))

    return view


bid_withdraw = _bid_button(
    bid_services.bid_withdraw, gettext_lazy("Your bid is withdrawn."), "#my-bid"
)
bid_shortlist = _bid_button(
    bid_services.bid_shortlist,
    gettext_lazy("Bid shortlisted; the freelancer has been told."),
    "#bid-{bid_id}",
)
_reject_now = _bid_button(
    bid_services.bid_reject, gettext_lazy("Bid declined; the freelancer has been told."), "#bids"
)

CONFIRM_FIELD = "confirm"


def _confirmation(request: SignedInHttpRequest, bid_id: int, action: str) -> HttpResponse:
    """The page that asks before ``action`` ("accept" or "reject"): the gig's client only
    (NotFound for the bidder, moderators and strangers, as for a bid that does not exist)."""
    bid = bid_selectors.bid_client_get(bid_id=bid_id, user=request.user)
    context = {
        "action": action,
        "bid": bid,
        "item": bids_shown([bid], request.user)[0],
        "gig_title": card(bid.gig, request.user).data["title"],
        "can_act": bid.gig.status == Gig.Status.OPEN and bid.status in Bid.OPEN,
        "client_pays": bid.amount,  # the client pays the bid's price; the fee comes out of it
        "fee": platform_fee(bid.amount),
        "freelancer_receives": freelancer_receives(bid.amount),
        "rivals": bid_selectors.bid_rivals_open_count(bid=bid) if action == "accept" else 0,
    }
    return render(request, "projects/gigs/bid_confirm.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def bid_reject(request: SignedInHttpRequest, bid_id: int) -> HttpResponse:
    """Reject a bid once the client confirmed it; the freelancer is told."""
    if request.method != "POST" or CONFIRM_FIELD not in request.POST:
        return _confirmation(request, bid_id, "reject")
    return _reject_now(request, bid_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def bid_accept(request: SignedInHttpRequest, bid_id: int) -> HttpResponse:
    """Accept a bid once the client confirmed it: the contract starts; its page is where the
    client funds the work."""
    if request.method != "POST" or CONFIRM_FIELD not in request.POST:
        return _confirmation(request, bid_id, "accept")
    try:
        contract = bid_services.bid_accept(bid_id=bid_id, actor=request.user)
    except PAGE_ERRORS:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        bid = bid_selectors.bid_get(bid_id=bid_id, user=request.user)
        return redirect(reverse("gig-detail", args=[bid.gig_id]) + "#bids")
    messages.success(
        request, _("Bid accepted: the contract is ready. Fund the milestone to start the work.")
    )
    return redirect("contract-detail", contract_id=contract.pk)

"""The buttons on a bid: withdraw, shortlist, reject, accept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.requests import SignedInHttpRequest
from marketplace.errors import DomainError
from projects.pages.gigs.display import PAGE_ERRORS
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
bid_reject = _bid_button(
    bid_services.bid_reject, gettext_lazy("Bid declined; the freelancer has been told."), "#bids"
)


@login_required
@require_POST
def bid_accept(request: SignedInHttpRequest, bid_id: int) -> HttpResponse:
    """Accept a bid: the contract starts; its page is where the client funds the work."""
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

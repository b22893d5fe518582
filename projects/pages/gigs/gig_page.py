"""One gig's page: the gig with its bids, the bid form, invitations, and the client's submit and
cancel buttons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from accounts.requests import SignedInHttpRequest
from marketplace.errors import DomainError
from marketplace.pages import add_domain_error
from marketplace.rupiah import RupiahInputError, parse_rupiah
from payments.fees import fee_basis_points, freelancer_receives, platform_fee
from projects.models import Bid, Gig
from projects.pages.gig_forms import BidForm, InviteForm
from projects.pages.gigs import sharing
from projects.pages.gigs.display import PAGE_ERRORS, bids_shown, client_record, gig_shown
from projects.pages.gigs.editing import edit_refusal
from projects.policies.gigs import is_gig_client, rejection_reason_shown
from projects.selectors import bids as bid_selectors
from projects.selectors import gigs as gig_selectors
from projects.services import bids as bid_services
from projects.services import gigs as gig_services


def _fee_preview(amount: int) -> dict[str, int]:
    return {
        "amount": amount,
        "fee": platform_fee(amount),
        "receives": freelancer_receives(amount),
    }


def _typed_amount(form: BidForm) -> int | None:
    """The price typed in the bid form (also when it was refused or only previewed), for the
    fee preview; None when it cannot be read."""
    typed = form["amount"].value()
    try:
        amount = typed if isinstance(typed, int) else parse_rupiah(str(typed or ""))
    except RupiahInputError:
        return None
    return amount if 0 < amount <= settings.GIG_MAX_BUDGET else None


# The bid form's second button: work out the fee on the server (without JavaScript, the preview
# cannot follow the typing) and show the form again as typed, placing nothing.
PREVIEW_FIELD = "preview"


def _render_detail(
    request: HttpRequest,
    gig_id: int,
    *,
    bid_form: BidForm | None = None,
    invite_form: InviteForm | None = None,
    fee_previewed: bool = False,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    gig = gig_selectors.gig_get(gig_id=gig_id, user=user)
    shown = gig_shown(gig, user)
    is_owner = is_gig_client(gig, user)
    bidding_open = gig.takes_bids
    url = request.build_absolute_uri(reverse("gig-detail", args=[gig.pk]))
    # What anyone may see, so what may be shared: the share card's rule (``gig_get_public``).
    shareable = gig.is_published and gig.visibility == Gig.Visibility.PUBLIC and not gig.hidden_at
    context: dict[str, Any] = {
        "gig": gig,
        "shown": shown,
        "is_owner": is_owner,
        "rejection_reason": rejection_reason_shown(gig, user),
        "bidding_open": bidding_open,
        "record": client_record(gig.client),
        "page_url": url,
        "shareable": shareable,
        "share": sharing.share_links(gig, url),
        "share_meta": sharing.share_meta(request, gig) if shareable else None,
    }
    if is_owner:
        owner = cast(User, user)  # is_owner: signed in as the gig's client
        bids = bid_selectors.bid_list_for_gig(gig=gig, user=owner).order_by("created_at", "id")
        context["bids"] = bids_shown(list(bids), user)
        context["can_act_on_bids"] = gig.status == Gig.Status.OPEN
        # The edit link only where the edit page would take the changes (gig_update's rule).
        context["can_edit"] = not edit_refusal(gig, owner)
        if gig.visibility == Gig.Visibility.INVITE_ONLY:
            context["invitations"] = list(gig_selectors.invitation_list(gig=gig))
            context["invite_form"] = invite_form or InviteForm()
    elif user.is_authenticated:
        # A moderator's selector answer holds every bid; this page shows the viewer's own.
        bids = bid_selectors.bid_list_for_gig(gig=gig, user=user).order_by("-created_at", "-id")
        mine = bids_shown([b for b in bids if b.freelancer_id == user.pk], user)
        live = next((b for b in mine if b.obj.status in Bid.LIVE), None)
        context["my_bids"] = mine
        context["live_bid"] = live
        if live is None and bidding_open:
            form = bid_form or BidForm(initial={"amount": gig.budget})
            context["bid_form"] = form
            typed = _typed_amount(form)
            context["fee"] = _fee_preview(typed or gig.budget)
            context["fee_previewed"] = fee_previewed
            context["fee_unread"] = fee_previewed and typed is None
            context["fee_bps"] = fee_basis_points()
            context["fee_percent"] = Decimal(fee_basis_points()) / 100
    # A refusal where its form is not shown (a bid on one's own gig, a second bid, an
    # invitation to a public gig) still says why.
    context["refusals"] = [
        error
        for name, form in (("bid_form", bid_form), ("invite_form", invite_form))
        if form is not None and name not in context
        for error in form.errors.get("__all__", [])
    ]
    return render(request, "projects/gigs/detail.html", context, status=status)


@require_safe
def gig_detail(request: HttpRequest, gig_id: int) -> HttpResponse:
    return _render_detail(request, gig_id)


@login_required
@require_POST
def gig_bid(request: SignedInHttpRequest, gig_id: int) -> HttpResponse:
    """Place a bid (``bid_place``); a refusal goes back onto the form with what was typed.
    The preview button shows the form again with the fee worked out, and places nothing."""
    if PREVIEW_FIELD in request.POST:
        # Unbound, with what was typed: a preview is no attempt, so no field shows an error.
        typed = {name: request.POST[name] for name in BidForm.base_fields if name in request.POST}
        return _render_detail(request, gig_id, bid_form=BidForm(initial=typed), fee_previewed=True)
    form = BidForm(request.POST)
    if form.is_valid():
        try:
            bid_services.bid_place(gig_id=gig_id, freelancer=request.user, **form.cleaned_data)
        except PAGE_ERRORS:
            raise
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Your bid is in. We will tell you when the client answers.")
            )
            return redirect(reverse("gig-detail", args=[gig_id]) + "#my-bid")
    return _render_detail(request, gig_id, bid_form=form, status=400)


@login_required
@require_POST
def gig_invite(request: SignedInHttpRequest, gig_id: int) -> HttpResponse:
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = gig_services.gig_invite(
                gig_id=gig_id,
                actor=request.user,
                freelancer_username=form.cleaned_data["freelancer"],
            )
        except PAGE_ERRORS:
            raise
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is invited to bid.") % {"name": invitation.freelancer.public_name},
            )
            return redirect(reverse("gig-detail", args=[gig_id]) + "#invitations")
    return _render_detail(request, gig_id, invite_form=form, status=400)


def gig_state_message(gig: Gig) -> str:
    if gig.status == Gig.Status.OPEN:
        return _("Your gig is live: freelancers can see it and bid.")
    if gig.status == Gig.Status.PENDING_REVIEW:
        return _("Your gig is waiting for a moderator's review; it goes live once approved.")
    return _("Your gig is saved as a draft. Publish it when you are ready.")


def _gig_action(request: HttpRequest, gig_id: int, action: Any, success: Any) -> HttpResponse:
    try:
        gig = action(gig_id=gig_id, actor=request.user)
    except PAGE_ERRORS:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success(gig))
    return redirect("gig-detail", gig_id=gig_id)


@login_required
@require_POST
def gig_submit(request: HttpRequest, gig_id: int) -> HttpResponse:
    return _gig_action(request, gig_id, gig_services.gig_submit, gig_state_message)


@login_required
@require_POST
def gig_cancel(request: HttpRequest, gig_id: int) -> HttpResponse:
    return _gig_action(
        request,
        gig_id,
        gig_services.gig_cancel,
        lambda gig: _("The gig is cancelled; everyone who bid has been told."),
    )

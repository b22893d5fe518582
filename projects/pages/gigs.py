"""The gig pages: browse open gigs, a gig with its bids, post a gig, and the bid buttons.

Each view validates with a form from ``gig_forms`` and makes the call the API makes
(projects/apis.py): ``gig_browse``, ``gig_get``, ``bid_list_for_gig``, ``gig_create``,
``bid_place``, the bid and gig transitions. What a viewer may see of a text (contact details
masked for everyone but its author and moderators) comes from ``accounts.masking.shown``, and
what its author is told was hidden from ``hidden_kinds``: the functions the API's serializers
call too, so the pages and the API can never disagree. A
selector's NotFound and a service's PermissionDenied
become the 404 and 403 pages (``marketplace.pages.DomainErrorPagesMiddleware``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.masking import hidden_kinds, shown
from accounts.models import ClientProfile, User
from accounts.requests import SignedInHttpRequest
from accounts.selectors import category_list, client_record_get, skill_list
from marketplace.errors import DomainError, NotFound, PermissionDenied, RateLimited
from marketplace.pages import add_domain_error, cursor_page
from payments.fees import fee_basis_points, freelancer_receives, platform_fee
from projects.models import Bid, Gig
from projects.pages.gig_forms import BidForm, BrowseForm, GigForm, InviteForm
from projects.policies.gigs import is_gig_client, rejection_reason_shown
from projects.selectors import bids as bid_selectors
from projects.selectors import gigs as gig_selectors
from projects.services import bids as bid_services
from projects.services import gigs as gig_services

if TYPE_CHECKING:
    from accounts.requests import Viewer, Visitor

# Refusals that are pages of their own (404/403), not messages on a form.
PAGE_ERRORS = (NotFound, PermissionDenied, RateLimited)  # their own pages


@dataclass
class Shown:
    """A row and what this viewer is shown of it (masked texts, fees)."""

    obj: Any
    data: dict[str, Any]


def _card(gig: Gig, viewer: Viewer) -> Shown:
    return Shown(
        gig,
        {
            "title": shown(gig, "title", viewer),
            # Masked (when written) before it is cut: no half a phone number in a summary.
            "summary": shown(gig, "description", viewer)[:200],
            "skills": list(gig.skills.all()),  # prefetched by the selector
        },
    )


def _gig_shown(gig: Gig, viewer: Visitor) -> dict[str, Any]:
    data = _card(gig, viewer).data
    data["description"] = shown(gig, "description", viewer)
    data["attachments"] = [
        {"id": file.pk, "name": shown(file, "original_name", viewer), "size": file.size}
        for file in gig.attachments.all()
    ]
    data["contact_details_hidden"] = hidden_kinds(
        gig.content_flags, author_id=gig.client_id, viewer=viewer
    )
    return data


def _bids_shown(bids: list[Bid], viewer: Viewer) -> list[Shown]:
    return [
        Shown(
            bid,
            {
                "cover_letter": shown(bid, "cover_letter", viewer),
                "platform_fee": platform_fee(bid.amount),
                "freelancer_receives": freelancer_receives(bid.amount),
            },
        )
        for bid in bids
    ]


def _client_record(client: User) -> ClientProfile | None:
    """The client's public record as ``GET clients/{u}/`` shows it; None for a closed account."""
    try:
        return client_record_get(username=client.username)
    except NotFound:
        return None


# --- browse -----------------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Open public gigs: search, filters, sort, cursor pages. Anyone may browse."""
    categories = list(category_list())
    form = BrowseForm(request.GET or None, categories=categories, skills=skill_list())
    query = form.query() if form.is_bound else {"sort": "newest"}
    # The client's record on each card comes with the page's query, not one query per card.
    gigs = gig_selectors.gig_browse(**query).select_related("client__client_profile")
    page = cursor_page(request, gigs, gig_selectors.SORTS[query["sort"]])
    return render(
        request,
        "projects/gigs/browse.html",
        {
            "form": form,
            "cards": [_card(gig, request.user) for gig in page.items],
            "page": page,
            "filters_open": form.is_bound and form.has_filters(),
        },
    )


# --- one gig ------------------------------------------------------------------------------------


def _share_links(url: str, title: str) -> dict[str, str]:
    text = quote(title, safe="")
    link = quote(url, safe="")
    return {
        "whatsapp": "https://wa.me/?" + urlencode({"text": f"{title} {url}"}),
        "facebook": f"https://www.facebook.com/sharer/sharer.php?u={link}",
        "x": f"https://x.com/intent/tweet?url={link}&text={text}",
        "telegram": f"https://t.me/share/url?url={link}&text={text}",
    }


def _fee_preview(amount: int) -> dict[str, int]:
    return {
        "amount": amount,
        "fee": platform_fee(amount),
        "receives": freelancer_receives(amount),
    }


def _typed_amount(form: BidForm, *, default: int) -> int:
    """The price typed in the bid form (also when it was refused), for the fee preview."""
    try:
        amount = int(form["amount"].value())
    except (TypeError, ValueError):
        return default
    return amount if 0 < amount <= settings.GIG_MAX_BUDGET else default


def _render_detail(
    request: HttpRequest,
    gig_id: int,
    *,
    bid_form: BidForm | None = None,
    invite_form: InviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    gig = gig_selectors.gig_get(gig_id=gig_id, user=user)
    shown = _gig_shown(gig, user)
    is_owner = is_gig_client(gig, user)
    bidding_open = gig.takes_bids
    url = request.build_absolute_uri(reverse("gig-detail", args=[gig.pk]))
    context: dict[str, Any] = {
        "gig": gig,
        "shown": shown,
        "is_owner": is_owner,
        "rejection_reason": rejection_reason_shown(gig, user),
        "bidding_open": bidding_open,
        "record": _client_record(gig.client),
        "page_url": url,
        "shareable": gig.is_published and gig.visibility == Gig.Visibility.PUBLIC,
        "share": _share_links(url, shown["title"]),
    }
    if is_owner:
        owner = cast(User, user)  # is_owner: signed in as the gig's client
        bids = bid_selectors.bid_list_for_gig(gig=gig, user=owner).order_by("created_at", "id")
        context["bids"] = _bids_shown(list(bids), user)
        context["can_act_on_bids"] = gig.status == Gig.Status.OPEN
        if gig.visibility == Gig.Visibility.INVITE_ONLY:
            context["invitations"] = list(gig_selectors.invitation_list(gig=gig))
            context["invite_form"] = invite_form or InviteForm()
    elif user.is_authenticated:
        # A moderator's selector answer holds every bid; this page shows the viewer's own.
        bids = bid_selectors.bid_list_for_gig(gig=gig, user=user).order_by("-created_at", "-id")
        mine = _bids_shown([b for b in bids if b.freelancer_id == user.pk], user)
        live = next((b for b in mine if b.obj.status in Bid.LIVE), None)
        context["my_bids"] = mine
        context["live_bid"] = live
        if live is None and bidding_open:
            form = bid_form or BidForm(initial={"amount": gig.budget})
            context["bid_form"] = form
            context["fee"] = _fee_preview(_typed_amount(form, default=gig.budget))
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
    """Place a bid (``bid_place``); a refusal goes back onto the form with what was typed."""
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


def _gig_state_message(gig: Gig) -> str:
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
    return _gig_action(request, gig_id, gig_services.gig_submit, _gig_state_message)


@login_required
@require_POST
def gig_cancel(request: HttpRequest, gig_id: int) -> HttpResponse:
    return _gig_action(
        request,
        gig_id,
        gig_services.gig_cancel,
        lambda gig: _("The gig is cancelled; everyone who bid has been told."),
    )


# --- bid buttons ----------------------------------------------------------------------------------


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


# --- post a gig -----------------------------------------------------------------------------------


def _gig_form(data: Any = None) -> GigForm:
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    initial = {
        "bidding_deadline": now + timedelta(days=3),
        "delivery_deadline": now + timedelta(days=10),
    }
    return GigForm(
        data,
        categories=list(category_list()),
        skills=list(skill_list()),
        initial=initial,
    )


@login_required
def gig_new(request: SignedInHttpRequest) -> HttpResponse:
    """Post a gig (``gig_create``): publish at once or save a draft."""
    form = _gig_form(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                gig = gig_services.gig_create(client=request.user, **form.service_arguments())
            except PAGE_ERRORS:
                raise
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _gig_state_message(gig))
                return redirect("gig-detail", gig_id=gig.pk)
        status = 400
    else:
        status = 200
    return render(request, "projects/gigs/new.html", {"form": form}, status=status)


urlpatterns = [
    path("", home, name="home"),
    path("gigs/new/", gig_new, name="gig-new"),
    path("gigs/<int:gig_id>/", gig_detail, name="gig-detail"),
    path("gigs/<int:gig_id>/bid/", gig_bid, name="gig-bid"),
    path("gigs/<int:gig_id>/submit/", gig_submit, name="gig-submit"),
    path("gigs/<int:gig_id>/cancel/", gig_cancel, name="gig-cancel"),
    path("gigs/<int:gig_id>/invite/", gig_invite, name="gig-invite"),
    path("bids/<int:bid_id>/withdraw/", bid_withdraw, name="bid-withdraw"),
    path("bids/<int:bid_id>/shortlist/", bid_shortlist, name="bid-shortlist"),
    path("bids/<int:bid_id>/reject/", bid_reject, name="bid-reject"),
    path("bids/<int:bid_id>/accept/", bid_accept, name="bid-accept"),
]

"""Editing a gig: the posting form, filled in, for its client while ``gig_update`` allows it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.requests import SignedInHttpRequest
from accounts.selectors import category_list, skill_list
from marketplace.errors import DomainError
from marketplace.pages import add_domain_error
from projects.models import Gig
from projects.pages.gig_forms import GigForm, gig_initial
from projects.pages.gigs.display import PAGE_ERRORS
from projects.policies.gigs import gig_edit_refusal, is_gig_client
from projects.selectors import gigs as gig_selectors
from projects.selectors.bids import gig_has_live_bids
from projects.services import gigs as gig_services


def edit_refusal(gig: Gig, user: Any) -> str:
    """Why the client cannot edit the gig now ("" when they can): the checks of ``gig_update``,
    in its order, read without locking (the service checks again under its lock)."""
    try:
        gig_services.ensure_not_suspended(user)
        gig_services.ensure_gig_shown(gig)
    except DomainError as exc:
        return exc.message
    refusal = gig_edit_refusal(gig, has_live_bids=gig_has_live_bids(gig_id=gig.pk))
    return refusal.message if refusal is not None else ""


def _saved_message(before: str, gig: Gig) -> str:
    if before == Gig.Status.OPEN and gig.status == Gig.Status.PENDING_REVIEW:
        return _(
            "Your changes are saved. They need a moderator's look first: the gig is hidden "
            "until it is approved again."
        )
    return _("Your changes are saved.")


@login_required
def gig_edit(request: SignedInHttpRequest, gig_id: int) -> HttpResponse:
    """Edit a gig (``gig_update``): its client only (anyone else: 404, as the API), before
    bids. A refusal the client can fix goes back onto the form."""
    gig = gig_selectors.gig_get(gig_id=gig_id, user=request.user)
    if not is_gig_client(gig, request.user):
        gig_selectors.raise_not_found()
    refusal = edit_refusal(gig, request.user)
    form = GigForm(
        request.POST if request.method == "POST" and not refusal else None,
        categories=list(category_list()),
        skills=list(skill_list()),
        initial=gig_initial(gig),
    )
    status = 200
    if request.method == "POST":
        status = 409 if refusal else 400
        if not refusal and form.is_valid():
            before = gig.status
            try:
                gig = gig_services.gig_update(
                    gig_id=gig.pk, actor=request.user, **form.update_arguments()
                )
            except PAGE_ERRORS:
                raise
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _saved_message(before, gig))
                return redirect("gig-detail", gig_id=gig.pk)
    context = {
        "gig": gig,
        "form": form,
        "refusal": refusal,
        # gig_update sends a live gig whose new text is flagged back to review, unless
        # moderation is off: the page warns only when that can happen.
        "may_go_back_to_review": gig.status == Gig.Status.OPEN and settings.GIG_MODERATION != "off",
    }
    return render(request, "projects/gigs/edit.html", context, status=status)

"""Posting a gig: publish at once or save a draft."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.requests import SignedInHttpRequest
from accounts.selectors import category_list, freelancer_get, skill_list
from marketplace.errors import DomainError, NotFound
from marketplace.pages import add_domain_error
from projects.models import Gig
from projects.pages.gig_forms import GigForm
from projects.pages.gigs.display import PAGE_ERRORS
from projects.pages.gigs.gig_page import gig_state_message
from projects.services import gigs as gig_services


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


def _invitee(username: str) -> User | None:
    """The listed freelancer named by ``?invite=`` (from their profile's "Post a gig and invite
    them"); None for anyone else: the gig is then posted without an invitation."""
    if not username:
        return None
    try:
        return freelancer_get(username=username).user
    except NotFound:
        return None


def _invite_after_posting(request: SignedInHttpRequest, gig: Gig, invitee: User) -> None:
    # A second call, after the gig is saved: a refused invitation (a limit reached, the
    # freelancer no longer available) must not lose the gig, so it is a warning, not a form
    # error. The invitation is told to the freelancer once the gig is live (gig_invite).
    try:
        gig_services.gig_invite(
            gig_id=gig.pk, actor=request.user, freelancer_username=invitee.username
        )
    except DomainError as exc:
        messages.warning(
            request,
            _("Your gig is saved, but %(name)s could not be invited: %(reason)s")
            % {"name": invitee.public_name, "reason": exc.message},
        )
    else:
        messages.success(
            request,
            _("%(name)s is invited to bid; they are told as soon as the gig is live.")
            % {"name": invitee.public_name},
        )


@login_required
def gig_new(request: SignedInHttpRequest) -> HttpResponse:
    """Post a gig (``gig_create``): publish at once or save a draft; with ``invite`` (a
    freelancer's username, from their profile), invite them to it (``gig_invite``)."""
    source = request.POST if request.method == "POST" else request.GET
    invitee = _invitee(source.get("invite", ""))
    if invitee is not None and invitee.pk == request.user.pk:
        invitee = None  # one's own profile: nobody to invite
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
                messages.success(request, gig_state_message(gig))
                if invitee is not None:
                    _invite_after_posting(request, gig, invitee)
                return redirect("gig-detail", gig_id=gig.pk)
        status = 400
    else:
        status = 200
    context = {"form": form, "invitee": invitee}
    return render(request, "projects/gigs/new.html", context, status=status)

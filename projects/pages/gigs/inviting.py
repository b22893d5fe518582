"""Inviting a freelancer from their profile: pick one of your gigs that can still take their
bid (``gig_invite``, as ``POST gigs/{id}/invitations/``), or post one and invite them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.requests import SignedInHttpRequest
from accounts.selectors import freelancer_get, user_is_suspended
from marketplace.errors import DomainError
from marketplace.pages import add_domain_error
from projects.models import Gig
from projects.pages.gig_forms import InviteToGigForm
from projects.pages.gigs.display import PAGE_ERRORS
from projects.selectors import gigs as gig_selectors
from projects.services import gigs as gig_services


def post_and_invite_url(username: str) -> str:
    """The posting page that invites ``username`` once the gig is posted (posting.py)."""
    return reverse("gig-new") + "?" + urlencode({"invite": username})


def _invited_message(gig: Gig, name: str) -> str:
    if gig.status == Gig.Status.OPEN:
        return _("%(name)s is invited to bid on “%(gig)s” and has been told.") % {
            "name": name,
            "gig": gig.title,
        }
    return _("%(name)s is invited to bid on “%(gig)s”; they are told once it is live.") % {
        "name": name,
        "gig": gig.title,
    }


def _refusal(client: User, freelancer: User) -> str:
    """What stops any invitation from this client to this freelancer ("" when nothing does):
    ``gig_invite``'s checks that do not depend on the gig, read before the form is shown."""
    if freelancer.pk == client.pk:
        return _("This is your own profile: you cannot invite yourself.")
    try:
        gig_services.ensure_not_suspended(client)
    except DomainError as exc:
        return exc.message
    if user_is_suspended(user_id=freelancer.pk):
        return _("%(name)s cannot take on work right now, so they cannot be invited.") % {
            "name": freelancer.public_name
        }
    return ""


@login_required
def freelancer_invite(request: SignedInHttpRequest, username: str) -> HttpResponse:
    """A listed freelancer's "Invite to a gig" (anyone else's profile: 404). What stops an
    invitation (one's own profile, a suspension on either side) is said instead of the form."""
    profile = freelancer_get(username=username)
    freelancer = profile.user
    gigs = list(gig_selectors.gig_list_invitable(client=request.user, freelancer=freelancer))
    refusal = _refusal(request.user, freelancer)
    form = InviteToGigForm(
        request.POST if request.method == "POST" and not refusal else None, gigs=gigs
    )
    status = 200
    if request.method == "POST":
        status = 409 if refusal else 400
        if not refusal and form.is_valid():
            try:
                invitation = gig_services.gig_invite(
                    gig_id=form.cleaned_data["gig"],
                    actor=request.user,
                    freelancer_username=freelancer.username,
                )
            except PAGE_ERRORS:
                raise
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _invited_message(invitation.gig, freelancer.public_name))
                return redirect("gig-detail", gig_id=invitation.gig_id)
    context = {
        "profile": profile,
        "person": freelancer,
        "gigs": gigs,
        "form": form,
        "refusal": refusal,
        "invited": [gig for gig in gigs if getattr(gig, "already_invited", False)],
        "all_invited": bool(gigs) and all(getattr(gig, "already_invited", False) for gig in gigs),
        "post_url": post_and_invite_url(freelancer.username),
    }
    return render(request, "projects/gigs/invite_freelancer.html", context, status=status)

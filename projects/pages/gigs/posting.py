"""Posting a gig: publish at once or save a draft."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.requests import SignedInHttpRequest
from accounts.selectors import category_list, skill_list
from marketplace.errors import DomainError
from marketplace.pages import add_domain_error
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
                messages.success(request, gig_state_message(gig))
                return redirect("gig-detail", gig_id=gig.pk)
        status = 400
    else:
        status = 200
    return render(request, "projects/gigs/new.html", {"form": form}, status=status)

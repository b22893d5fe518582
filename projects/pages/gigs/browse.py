"""Browsing open gigs: search, filters, sort, cursor pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.selectors import category_list, skill_list
from marketplace.pages import cursor_page
from projects.pages.gig_forms import BrowseForm
from projects.pages.gigs.display import card
from projects.selectors import gigs as gig_selectors


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
            "cards": [card(gig, request.user) for gig in page.items],
            "page": page,
            "filters_open": form.is_bound and form.has_filters(),
        },
    )

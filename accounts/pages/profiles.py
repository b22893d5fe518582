"""Public pages about people: the freelancer directory, a freelancer's profile (portfolio,
reviews, the reputation breakdown) and a client's record. No login needed.

The reputation breakdown is the API's (``accounts.reputation.reputation_explained``): the same
figures, inputs and sentences of arithmetic, not computed again here. Reviews are read with the
API's selector (``projects.selectors.reviews.review_list_public``), which projects registers
at start-up (``accounts.profile_sections``): accounts imports no app above it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import selectors
from accounts.models import Language
from accounts.pages.forms import (
    FreelancerFilterForm,
    category_choices,
    category_name,
    skill_groups,
)
from accounts.profile_sections import AS_CLIENT, AS_FREELANCER, actions_for, reviews_of
from accounts.ratings import rating_figure, reviews_count
from accounts.reputation import reputation_explained
from accounts.reputation_words import reputation_in_words
from marketplace.formatting import decimal, percent
from marketplace.pages import cursor_page

DIRECTORY_PAGE_SIZE = 20
REVIEWS_PAGE_SIZE = 10
REVIEW_ORDERING = ("-revealed_at", "-id")  # the API's (projects/api/reviews.py)
LANGUAGE_NAMES = dict(Language.choices)


def hires_of_gigs(hires: int, gigs: int) -> str:
    """ "1 hire of 1 gig whose bidding ended": each count with its own plural."""
    return _("%(hires)s of %(gigs)s whose bidding ended") % {
        "hires": ngettext("%(n)d hire", "%(n)d hires", hires) % {"n": hires},
        "gigs": ngettext("%(n)d gig", "%(n)d gigs", gigs) % {"n": gigs},
    }


def duration(seconds: int | None) -> str:
    """A duration as people say it ("2 hours, 5 minutes"), in the page's language."""
    if seconds is None:
        return "—"
    now = timezone.now()
    return timesince(now - timedelta(seconds=seconds), now)


def reputation_figures(profile: Any) -> list[dict[str, str]]:
    """The API's reputation block as rows to show: each figure, its inputs, its arithmetic."""
    rep = reputation_explained(profile)
    rating = rep["rating"]
    figures = [
        {
            "name": _("Rating"),
            "value": rating_figure(rating["value"], rating["reviews"]),
            "inputs": ngettext(
                "%(n)d review, average %(avg)s; platform mean %(mean)s counted as %(m)d reviews",
                "%(n)d reviews, average %(avg)s; platform mean %(mean)s counted as %(m)d reviews",
                rating["reviews"],
            )
            % {
                "n": rating["reviews"],
                "avg": "—" if rating["average"] is None else decimal(rating["average"], 2),
                "mean": "—"
                if rating["platform_mean"] is None
                else decimal(rating["platform_mean"], 2),
                "m": rating["prior_weight"],
            },
            "explanation": str(rating["explanation"]),
        }
    ]
    rates = [
        ("on_time_rate", _("On-time delivery")),
        ("completion_rate", _("Completed contracts")),
        ("repeat_client_rate", _("Clients who came back")),
    ]
    for key, name in rates:
        figure = rep[key]
        figures.append(
            {
                "name": name,
                "value": percent(figure["value"]),
                "inputs": _("%(a)d of %(b)d")
                % {"a": figure["numerator"], "b": figure["denominator"]},
                "explanation": str(figure["explanation"]),
            }
        )
    response = rep["median_response_seconds"]
    figures.append(
        {
            "name": _("Median response time"),
            "value": duration(response["value"]),
            "inputs": ngettext("%(n)d contract", "%(n)d contracts", response["samples"])
            % {"n": response["samples"]},
            "explanation": str(response["explanation"]),
        }
    )
    return figures


def _reviews(request: HttpRequest, username: str, role: str) -> Any:
    reviews = reviews_of(username=username, role=role)
    return cursor_page(request, reviews, REVIEW_ORDERING, page_size=REVIEWS_PAGE_SIZE)


def freelancer_profile(request: HttpRequest, username: str) -> HttpResponse:
    profile = selectors.freelancer_get(username=username)
    items = list(profile.user.portfolio_items.all())
    for item in items:
        # For the template only: an attribute the model does not declare.
        item.category_name = category_name(item.category) if item.category_id else ""  # type: ignore[attr-defined]
    context = {
        "profile": profile,
        "person": profile.user,
        "portfolio": items,
        "languages": [LANGUAGE_NAMES.get(code, code) for code in profile.languages],
        "reputation_words": reputation_in_words(profile),
        "figures": reputation_figures(profile),
        "updated_at": profile.figures_computed_at,
        "reviews": _reviews(request, profile.user.username, AS_FREELANCER),
        "actions": actions_for(viewer=request.user, person=profile.user, role=AS_FREELANCER),
    }
    return render(request, "accounts/freelancer_profile.html", context)


def client_record(request: HttpRequest, username: str) -> HttpResponse:
    record = selectors.client_record_get(username=username)
    figures = [
        (_("Gigs posted"), str(record.gigs_posted), ""),
        (
            _("Hire rate"),
            percent(record.hire_rate),
            hires_of_gigs(record.hires, record.gigs_closed),
        ),
        (
            _("Average time to approve work"),
            duration(record.avg_approval_seconds),
            ngettext("over %(n)d approval", "over %(n)d approvals", record.approvals)
            % {"n": record.approvals},
        ),
        (
            _("Dispute rate"),
            percent(record.dispute_rate),
            ngettext(
                "%(a)d of %(b)d contract disputed",
                "%(a)d of %(b)d contracts disputed",
                record.contracts,
            )
            % {"a": record.disputed_contracts, "b": record.contracts},
        ),
        (
            _("Revisions per milestone"),
            "—"
            if record.revisions_per_milestone is None
            else decimal(record.revisions_per_milestone, 2),
            _("%(revisions)s over %(milestones)s")
            % {
                "revisions": ngettext(
                    "%(n)d revision asked", "%(n)d revisions asked", record.revisions_requested
                )
                % {"n": record.revisions_requested},
                "milestones": ngettext(
                    "%(n)d delivered milestone",
                    "%(n)d delivered milestones",
                    record.milestones_delivered,
                )
                % {"n": record.milestones_delivered},
            },
        ),
        (
            _("Rating from freelancers"),
            rating_figure(record.rating_average, record.rating_count),
            reviews_count(record.rating_count),
        ),
    ]
    context = {
        "record": record,
        "person": record.user,
        "figures": figures,
        "reviews": _reviews(request, record.user.username, AS_CLIENT),
        "actions": actions_for(viewer=request.user, person=record.user, role=AS_CLIENT),
    }
    return render(request, "accounts/client_record.html", context)


def freelancer_list(request: HttpRequest) -> HttpResponse:
    form = FreelancerFilterForm(
        request.GET, skill_groups=skill_groups(), categories=category_choices()
    )
    form.is_valid()  # an invalid filter is shown with its error and left out
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", [])}
    sort = data.pop("sort", "rating")
    profiles = selectors.freelancer_directory(**data)
    page = cursor_page(
        request, profiles, selectors.FREELANCER_SORTS[sort], page_size=DIRECTORY_PAGE_SIZE
    )
    return render(
        request,
        "accounts/freelancer_list.html",
        {"form": form, "page": page, "filtered": bool(data)},
    )


urlpatterns = [
    path("freelancers/", freelancer_list, name="freelancer-list"),
    path("freelancers/<str:username>/", freelancer_profile, name="freelancer-profile"),
    path("clients/<str:username>/", client_record, name="client-record"),
]

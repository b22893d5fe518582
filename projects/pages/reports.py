"""Reporting from the pages: a gig, a bid on one's gig, a message from the other party of a
contract, a person's profile. The report page asks for a reason and details and files the
report with ``report_create`` (as ``POST reports/``, under the same throttle); the reporter's
own report page then says what happens next.

What may be reported is the selector's rule (``report_target_get``): anything the reporter can
see, else 404 — as for an object that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accounts.masking import shown
from accounts.requests import SignedInHttpRequest
from accounts.selectors import user_get_active
from marketplace.errors import DomainError, NotFound, RateLimited
from marketplace.pages import add_domain_error
from marketplace.throttles import page_refusal
from projects.models import Report
from projects.pages.gig_forms import ReportForm
from projects.pages.gigs.display import PAGE_ERRORS
from projects.selectors.reports import (
    Reported,
    report_get_mine,
    report_open_mine,
    report_target_get,
)
from projects.services.reports import report_create
from projects.throttles import ReportRateThrottle

Target = Report.TargetType

# What the pages link to a report page from (the API takes portfolio items and reviews too).
PAGE_TARGETS = (Target.GIG, Target.BID, Target.MESSAGE)


@dataclass
class Described:
    """The reported object as the report page names it, and where "back" leads."""

    what: str
    back_url: str


def _described(target_type: str, reported: Reported, viewer: Any) -> Described:
    obj: Any = reported.obj
    if target_type == Target.GIG:
        return Described(
            _("The gig “%(title)s”") % {"title": shown(obj, "title", viewer)},
            reverse("gig-detail", args=[obj.pk]),
        )
    if target_type == Target.BID:
        return Described(
            _("The bid by %(name)s on “%(title)s”")
            % {"name": obj.freelancer.public_name, "title": shown(obj.gig, "title", viewer)},
            reverse("gig-detail", args=[obj.gig_id]) + f"#bid-{obj.pk}",
        )
    if target_type == Target.MESSAGE:
        return Described(
            _("A message from %(name)s") % {"name": obj.sender.public_name},
            reverse("contract-detail", args=[obj.contract_id]) + f"#message-{obj.pk}",
        )
    # A profile: the freelancer's page when they have one is where people meet them; the
    # client record exists for everyone.
    return Described(
        _("The profile of %(name)s (@%(username)s)")
        % {"name": obj.public_name, "username": obj.username},
        reverse("client-record", args=[obj.username]),
    )


def _report_page(
    request: SignedInHttpRequest, target_type: str, target_id: int, action_url: str
) -> HttpResponse:
    reporter = request.user
    reported = report_target_get(reporter=reporter, target_type=target_type, target_id=target_id)
    described = _described(target_type, reported, reporter)
    own = reported.owner_id == reporter.pk
    existing = report_open_mine(reporter=reporter, target_type=target_type, target_id=target_id)
    form = ReportForm(request.POST if request.method == "POST" and not own else None)
    status = 200
    if request.method == "POST":
        refusal = page_refusal(ReportRateThrottle(), request)
        if refusal is not None:
            message, wait = refusal
            raise RateLimited(message, retry_after=wait)
        status = 409 if own else 400
        if not own and form.is_valid():
            try:
                report, created = report_create(
                    reporter=reporter,
                    target_type=target_type,
                    target_id=target_id,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except PAGE_ERRORS:
                raise
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                if created:
                    messages.success(request, _("Thank you: your report is with the moderators."))
                else:
                    messages.info(
                        request,
                        _("You already reported this; your report is with the moderators."),
                    )
                return redirect("report-detail", report_id=report.pk)
    context = {
        "described": described,
        "own": own,
        "existing": existing,
        "form": form,
        "action_url": action_url,
    }
    return render(request, "projects/reports/new.html", context, status=status)


@login_required
def report_new(request: SignedInHttpRequest, target_type: str, target_id: int) -> HttpResponse:
    """Report a gig, a bid or a message (``/report/<type>/<id>/``)."""
    if target_type not in PAGE_TARGETS:
        raise NotFound(_("There is nothing to report there."))
    url = reverse("report-new", args=[target_type, target_id])
    return _report_page(request, target_type, target_id, url)


@login_required
def report_profile(request: SignedInHttpRequest, username: str) -> HttpResponse:
    """Report a person's profile, by username as the API's ``POST reports/`` takes it."""
    person = user_get_active(username=username)
    url = reverse("report-profile", args=[person.username])
    return _report_page(request, Target.PROFILE, person.pk, url)


@login_required
def report_detail(request: SignedInHttpRequest, report_id: int) -> HttpResponse:
    """One's own report and what happens next; anyone else's: 404."""
    report = report_get_mine(reporter=request.user, report_id=report_id)
    return render(request, "projects/reports/detail.html", {"report": report})


urlpatterns = [
    # The profile route first: "/report/profile/123/" names a username, not an id.
    path("report/profile/<str:username>/", report_profile, name="report-profile"),
    path("report/<str:target_type>/<int:target_id>/", report_new, name="report-new"),
    path("reports/<int:report_id>/", report_detail, name="report-detail"),
]

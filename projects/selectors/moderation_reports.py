"""Reads for the moderators' report queue in the admin: every report with the open reports on
the same object and a short text of it, and the object a report is about.

One queryset whose per-row figures are correlated subqueries (as every queue in
``projects.selectors.moderation``): a changelist page costs the same number of queries at 10 rows
as at 200. Moderators see everything; the admin checks who may.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    CharField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Substr

from accounts.models import PortfolioItem, User
from projects.models import Bid, ContractMessage, Gig, Report, Review, Service
from projects.selectors.moderation import _count

# How much of a reported object's text the report queue shows in its list.
SUMMARY_CHARS = 80


def _first(queryset: QuerySet[Any], field: str) -> Subquery:
    return Subquery(queryset.filter(pk=OuterRef("target_id")).values(field)[:1])


def _excerpt(queryset: QuerySet[Any], field: str) -> Subquery:
    return _first(queryset.annotate(excerpt=Substr(field, 1, SUMMARY_CHARS)), "excerpt")


def _target_summary() -> Case:
    """A short text of the reported object, whatever its type, in the same query."""
    T = Report.TargetType
    texts = {
        T.GIG: _first(Gig.objects.all(), "title"),
        T.BID: _excerpt(Bid.objects.all(), "cover_letter"),
        T.PROFILE: _first(User.objects.all(), "username"),
        T.PORTFOLIO_ITEM: _first(PortfolioItem.objects.all(), "title"),
        T.REVIEW: _excerpt(Review.objects.all(), "comment"),
        T.MESSAGE: _excerpt(ContractMessage.objects.all(), "body"),
        T.SERVICE: _first(Service.objects.all(), "title"),
    }
    return Case(
        *[When(target_type=kind, then=text) for kind, text in texts.items()],
        default=Value(""),
        output_field=CharField(),
    )


def report_queue() -> QuerySet[Report]:
    """Every report, open ones first, oldest first, with the number of open reports on the
    same object (one resolution settles them all) and a short text of the object."""
    return (
        Report.objects.select_related("reporter", "target_user", "resolved_by")
        .annotate(
            queue_rank=Case(
                When(status=Report.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            open_on_object=_count(
                Report.objects.filter(
                    target_type=OuterRef("target_type"),
                    target_id=OuterRef("target_id"),
                    status=Report.Status.OPEN,
                )
            ),
            target_summary=_target_summary(),
        )
        .order_by("queue_rank", "created_at", "id")
    )


def reported_object(report: Report) -> Any | None:
    """The object a report is about (a hidden or removed one too); None if it is gone."""
    T = Report.TargetType
    if report.target_type == T.GIG:
        return Gig.objects.select_related("client").filter(pk=report.target_id).first()
    if report.target_type == T.BID:
        return Bid.objects.select_related("gig", "freelancer").filter(pk=report.target_id).first()
    if report.target_type == T.PROFILE:
        return User.objects.filter(pk=report.target_id).first()
    if report.target_type == T.PORTFOLIO_ITEM:
        return PortfolioItem.objects.select_related("owner").filter(pk=report.target_id).first()
    if report.target_type == T.REVIEW:
        return (
            Review.objects.select_related("author", "subject").filter(pk=report.target_id).first()
        )
    if report.target_type == T.MESSAGE:
        return (
            ContractMessage.objects.select_related("sender", "contract")
            .filter(pk=report.target_id)
            .first()
        )
    return None

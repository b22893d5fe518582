"""Reads for the moderators' review queues in the admin: gigs and services to review, and the
contracts with a suspended party to settle. The report queue is
``projects.selectors.moderation_reports``; the disputes console
``projects.selectors.moderation_disputes``.

Each queue is one queryset whose per-row figures (a client's history, the open reports on the
same object, whether a dispute went unanswered) are correlated subqueries, so a changelist page
costs the same number of queries at 10 rows as at 200. Who may read them is the admin's
permission check; these selectors do not scope by user (moderators see everything).
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Suspension
from projects.models import ContactHit, Contract, Gig, Report, Service


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """COUNT(*) of a correlated queryset as an integer annotation (0 when nothing matches).

    ``Func`` rather than ``Count``: an aggregate would add a GROUP BY to the subquery."""
    counted = queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- gigs -------------------------------------------------------------------------------------


def gig_moderation_queue() -> QuerySet[Gig]:
    """Every gig, those waiting for review first, oldest first, with the client's history:
    gigs posted (not drafts), completed, rejected before (other than this one), open reports
    against the client, and the contact filter's hits on anything the client wrote."""
    own = Gig.objects.filter(client=OuterRef("client"))
    return (
        Gig.objects.select_related("client", "category")
        .annotate(
            queue_rank=Case(
                When(status=Gig.Status.PENDING_REVIEW, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            client_gigs_posted=_count(own.exclude(status=Gig.Status.DRAFT)),
            client_gigs_completed=_count(own.filter(status=Gig.Status.COMPLETED)),
            client_gigs_rejected=_count(
                own.filter(status=Gig.Status.REJECTED).exclude(pk=OuterRef("pk"))
            ),
            client_open_reports=_count(
                Report.objects.filter(target_user=OuterRef("client"), status=Report.Status.OPEN)
            ),
            client_contact_hits=_count(ContactHit.objects.filter(user=OuterRef("client"))),
        )
        .order_by("queue_rank", "created_at", "id")
    )


def service_moderation_queue() -> QuerySet[Service]:
    """Every service, those waiting for review first, oldest first, with the freelancer's
    history: services published before, rejected before (other than this one), open reports
    against the freelancer, and the contact filter's hits on anything they wrote."""
    own = Service.objects.filter(freelancer=OuterRef("freelancer"))
    return (
        Service.objects.select_related("freelancer", "category")
        .defer("search_vector")
        .annotate(
            queue_rank=Case(
                When(status=Service.Status.PENDING_REVIEW, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            freelancer_services_published=_count(own.filter(published_at__isnull=False)),
            freelancer_services_rejected=_count(
                own.filter(status=Service.Status.REJECTED).exclude(pk=OuterRef("pk"))
            ),
            freelancer_open_reports=_count(
                Report.objects.filter(target_user=OuterRef("freelancer"), status=Report.Status.OPEN)
            ),
            freelancer_contact_hits=_count(ContactHit.objects.filter(user=OuterRef("freelancer"))),
        )
        .order_by("queue_rank", "created_at", "id")
    )


# --- contracts --------------------------------------------------------------------------------


def contracts_with_suspended_party() -> QuerySet[Contract]:
    """Active contracts where the client or the freelancer is suspended now: the moderators'
    list to settle (talk to the other party, cancel or resolve)."""
    active = Suspension.objects.in_force(timezone.now()).values("user_id")
    return Contract.objects.filter(status=Contract.Status.ACTIVE).filter(
        Q(client_id__in=active) | Q(freelancer_id__in=active)
    )


def contract_list_for_moderators() -> QuerySet[Contract]:
    """Every contract with its parties and gig, and ``party_suspended``: whether it is on the
    moderators' list to settle (active, with a party suspended now)."""
    return (
        Contract.objects.select_related("gig", "client", "freelancer")
        .annotate(
            party_suspended=Exists(contracts_with_suspended_party().filter(pk=OuterRef("pk")))
        )
        .order_by("-created_at", "-id")
    )

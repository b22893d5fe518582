"""The reputation figures Garap publishes, defined once and computed two ways.

The definitions are in ``docs/reputation.md``. ``freelancer_figures`` / ``client_figures`` compute
them for one user with plain ORM queries — the event-driven recalculation uses them, and they are
the reference. ``nightly.recalculate_all`` computes the same figures for every user at once with
a few set-based statements (the nightly pass); a PostgreSQL test checks that both agree.

Decimals are rounded half away from zero, in SQL (``ROUND`` on ``numeric``) and in Python
(``ROUND_HALF_UP``), so the two implementations agree to the last digit.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum

from projects.models import Contract, Dispute, Gig, Milestone, Review

THREE = Decimal("0.001")
TWO = Decimal("0.01")
FOUR = Decimal("0.0001")


def _round(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def share(part: int, whole: int, places: Decimal = THREE) -> Decimal | None:
    """``part / whole`` rounded, or None when there is nothing to measure yet."""
    if not whole:
        return None
    return _round(Decimal(part) / Decimal(whole), places)


def bayesian_rating(
    *, points: int, count: int, prior: Decimal | None, weight: int
) -> Decimal | None:
    """The average of ``count`` reviews (``points`` = sum of their three scores), pulled towards
    the platform mean ``prior`` as if ``weight`` more reviews at that mean existed.

    (weight × prior + points / 3) / (weight + count), computed as
    (3 × weight × prior + points) / (3 × (weight + count)) to stay exact until the final rounding.
    """
    if prior is None:
        return share(points, 3 * count) if count else None
    numerator = 3 * weight * prior + points
    return _round(numerator / Decimal(3 * (weight + count)), THREE)


def platform_mean() -> Decimal | None:
    """The mean score of every revealed review of a freelancer, to four decimals."""
    totals = Review.objects.filter(
        revealed_at__isnull=False,
        removed_at__isnull=True,
        held_at__isnull=True,
        subject_role=Review.Subject.FREELANCER,
    ).aggregate(points=Sum(F("quality") + F("communication") + F("value")), count=Count("id"))
    return share(totals["points"] or 0, 3 * totals["count"], FOUR)


@dataclass
class FreelancerFigures:
    rating: Decimal | None
    rating_count: int
    rating_points: int
    rating_prior: Decimal | None
    on_time_rate: Decimal | None
    on_time_count: int
    on_time_total: int
    completion_rate: Decimal | None
    completed_count: int
    completion_total: int
    repeat_client_rate: Decimal | None
    repeat_clients: int
    distinct_clients: int
    median_response_seconds: int | None
    response_samples: int

    def as_dict(self) -> dict:
        return asdict(self)


# The figures whose movements a freelancer sees in their change log.
LOGGED_FIGURES = (
    "rating",
    "on_time_rate",
    "completion_rate",
    "repeat_client_rate",
    "median_response_seconds",
)

COUNTED_OUTCOMES = (
    Contract.Outcome.COMPLETED,
    Contract.Outcome.CANCELLED_BY_FREELANCER,
    Contract.Outcome.DISPUTE_LOST,
)


def freelancer_figures(*, user_id: int, now: datetime, prior: Decimal | None) -> FreelancerFigures:
    reviews = Review.objects.filter(
        subject_id=user_id,
        subject_role=Review.Subject.FREELANCER,
        revealed_at__isnull=False,
        removed_at__isnull=True,
        held_at__isnull=True,
    ).aggregate(points=Sum(F("quality") + F("communication") + F("value")), count=Count("id"))
    count, points = reviews["count"], reviews["points"] or 0

    counted = Milestone.objects.filter(
        contract__freelancer_id=user_id, funded_at__isnull=False
    ).filter(Q(first_submitted_at__isnull=False) | Q(due_at__lte=now))
    on_time_total = counted.count()
    on_time_count = counted.filter(first_submitted_at__lte=F("due_at")).count()

    outcomes = list(
        Contract.objects.filter(freelancer_id=user_id, outcome__in=COUNTED_OUTCOMES).values_list(
            "outcome", flat=True
        )
    )
    completed = outcomes.count(Contract.Outcome.COMPLETED)

    per_client = Contract.objects.filter(
        freelancer_id=user_id, status=Contract.Status.COMPLETED
    ).values_list("client_id", flat=True)
    hires: dict[int, int] = {}
    for client_id in per_client:
        hires[client_id] = hires.get(client_id, 0) + 1
    repeat = sum(1 for n in hires.values() if n >= 2)

    responses = [
        seconds
        for seconds in Contract.objects.filter(
            freelancer_id=user_id, first_response_seconds__isnull=False
        ).values_list("first_response_seconds", flat=True)
        if seconds is not None  # excluded by the query already; this tells the type checker
    ]
    median = (
        int(_round(Decimal(str(statistics.median(responses))), Decimal(1))) if responses else None
    )
    return FreelancerFigures(
        rating=bayesian_rating(
            points=points, count=count, prior=prior, weight=settings.REPUTATION_PRIOR_WEIGHT
        ),
        rating_count=count,
        rating_points=points,
        rating_prior=prior,
        on_time_rate=share(on_time_count, on_time_total),
        on_time_count=on_time_count,
        on_time_total=on_time_total,
        completion_rate=share(completed, len(outcomes)),
        completed_count=completed,
        completion_total=len(outcomes),
        repeat_client_rate=share(repeat, len(hires)),
        repeat_clients=repeat,
        distinct_clients=len(hires),
        median_response_seconds=median,
        response_samples=len(responses),
    )


@dataclass
class ClientFigures:
    gigs_posted: int
    gigs_closed: int
    hires: int
    hire_rate: Decimal | None
    avg_approval_seconds: int | None
    approvals: int
    contracts: int
    disputed_contracts: int
    dispute_rate: Decimal | None
    revisions_requested: int
    milestones_delivered: int
    revisions_per_milestone: Decimal | None
    rating_count: int
    rating_points: int
    rating_average: Decimal | None

    def as_dict(self) -> dict:
        return asdict(self)


# A gig whose bidding is over: it was awarded, ran out of time, or was withdrawn after going live.
CLOSED_GIG_STATUSES = (
    Gig.Status.AWARDED,
    Gig.Status.COMPLETED,
    Gig.Status.EXPIRED,
    Gig.Status.CANCELLED,
)


def published_gigs(*, user_id: int) -> QuerySet[Gig]:
    """The gigs a client's record counts as posted: every gig that went live once."""
    return Gig.objects.filter(client_id=user_id, published_at__isnull=False)


def client_figures(*, user_id: int) -> ClientFigures:
    published = published_gigs(user_id=user_id)
    gigs_posted = published.count()
    gigs_closed = published.filter(status__in=CLOSED_GIG_STATUSES).count()
    contracts = Contract.objects.filter(client_id=user_id).count()
    disputed = (
        Dispute.objects.filter(milestone__contract__client_id=user_id)
        .values("milestone__contract_id")
        .distinct()
        .count()
    )
    approvals = Milestone.objects.filter(
        contract__client_id=user_id, approval_seconds__isnull=False
    ).aggregate(total=Sum("approval_seconds"), count=Count("id"))
    delivered = Milestone.objects.filter(
        contract__client_id=user_id, first_submitted_at__isnull=False
    ).aggregate(revisions=Sum("revisions_used"), count=Count("id"))
    reviews = Review.objects.filter(
        subject_id=user_id,
        subject_role=Review.Subject.CLIENT,
        revealed_at__isnull=False,
        removed_at__isnull=True,
        held_at__isnull=True,
    ).aggregate(points=Sum(F("quality") + F("communication") + F("value")), count=Count("id"))
    average_approval = share(approvals["total"] or 0, approvals["count"], Decimal(1))
    return ClientFigures(
        gigs_posted=gigs_posted,
        gigs_closed=gigs_closed,
        hires=contracts,
        hire_rate=share(contracts, gigs_closed),
        avg_approval_seconds=int(average_approval) if average_approval is not None else None,
        approvals=approvals["count"],
        contracts=contracts,
        disputed_contracts=disputed,
        dispute_rate=share(disputed, contracts),
        revisions_requested=delivered["revisions"] or 0,
        milestones_delivered=delivered["count"],
        revisions_per_milestone=share(delivered["revisions"] or 0, delivered["count"], TWO),
        rating_count=reviews["count"],
        rating_points=reviews["points"] or 0,
        rating_average=share(reviews["points"] or 0, 3 * reviews["count"]),
    )

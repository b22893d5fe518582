"""Keeping the published reputation figures current.

An event that may move a figure (a review revealed, a contract closed) is written as a
``ReputationEvent`` row in the event's own transaction, and a recalculation for that user is
enqueued once per ``REPUTATION_DEBOUNCE_SECONDS``: a burst of events makes one recalculation.
The row is what makes it durable — if the task message is lost, ``reputation_events_pending``
finds the user again. The nightly pass (``projects.reputation.nightly``) recomputes everyone.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from accounts.models import ClientProfile, FreelancerProfile, ReputationChange
from accounts.services import profiles_ensure
from marketplace.tasks import enqueue_debounced
from marketplace.transactions import atomic_with_retry
from projects.models import ReputationEvent
from projects.reputation import calculation, nightly

CAUSES: dict[str, ReputationChange.Cause] = {
    ReputationEvent.Kind.REVIEW_REVEALED: ReputationChange.Cause.REVIEW_REVEALED,
    ReputationEvent.Kind.CONTRACT_CLOSED: ReputationChange.Cause.CONTRACT_CLOSED,
    ReputationEvent.Kind.REVIEW_REMOVED: ReputationChange.Cause.REVIEW_REMOVED,
    ReputationEvent.Kind.REVIEWS_HELD: ReputationChange.Cause.REVIEWS_HELD,
    ReputationEvent.Kind.REVIEWS_CLEARED: ReputationChange.Cause.REVIEWS_CLEARED,
}


def debounce_key(user_id: int) -> str:
    return f"reputation:recalculate:{user_id}"


def reputation_event_record(*, user_id: int, kind: str, reference: str) -> ReputationEvent:
    """Note that ``user_id``'s figures may have moved; recalculated shortly after commit."""
    from projects.tasks import recalculate_user_reputation  # tasks import services

    event = ReputationEvent.objects.create(user_id=user_id, kind=kind, reference=reference)
    enqueue_debounced(
        recalculate_user_reputation,
        user_id,
        key=debounce_key(user_id),
        seconds=settings.REPUTATION_DEBOUNCE_SECONDS,
    )
    return event


def client_gigs_posted_refresh(*, user_id: int) -> None:
    """Count a client's posted gigs again as a gig goes live (the same count as the nightly
    pass makes): the one figure of their record that moves the moment they act."""
    profiles_ensure(user_id=user_id)
    ClientProfile.objects.filter(user_id=user_id).update(
        gigs_posted=calculation.published_gigs(user_id=user_id).count()
    )


def _text(value: object) -> str:
    return "" if value is None else str(value)


@atomic_with_retry
def reputation_recalculate_user(*, user_id: int, now: datetime | None = None) -> list[str]:
    """Recompute one user's figures from the database, log each freelancer figure that moved
    with the event that moved it, and mark the user's pending events done.

    Safe to run twice or concurrently: the profile rows are locked, and a second run finds
    nothing moved. Returns the names of the figures that moved.
    """
    now = now or timezone.now()
    profiles_ensure(user_id=user_id)
    profile = FreelancerProfile.objects.select_for_update(of=("self",), no_key=True).get(
        user_id=user_id
    )
    client = ClientProfile.objects.select_for_update(of=("self",), no_key=True).get(user_id=user_id)
    events = list(
        ReputationEvent.objects.filter(user_id=user_id, processed_at__isnull=True).order_by("id")
    )
    figures = calculation.freelancer_figures(
        user_id=user_id, now=now, prior=calculation.platform_mean()
    ).as_dict()
    # The latest event is named as the cause; the nightly pass catches time-driven moves.
    latest = events[-1] if events else None
    cause = CAUSES.get(latest.kind, ReputationChange.Cause.NIGHTLY) if latest else None
    moved = [
        f for f in calculation.LOGGED_FIGURES if _text(getattr(profile, f)) != _text(figures[f])
    ]
    ReputationChange.objects.bulk_create(
        ReputationChange(
            user_id=user_id,
            figure=figure,
            old_value=_text(getattr(profile, figure)),
            new_value=_text(figures[figure]),
            cause=cause or ReputationChange.Cause.NIGHTLY,
            reference=latest.reference if latest else "",
        )
        for figure in moved
    )
    for field, value in figures.items():
        setattr(profile, field, value)
    profile.reputation_updated_at = now
    profile.save()
    for field, value in calculation.client_figures(user_id=user_id).as_dict().items():
        setattr(client, field, value)
    client.record_updated_at = now
    client.save()
    ReputationEvent.objects.filter(pk__in=[e.pk for e in events]).update(processed_at=now)
    return moved


def reputation_recalculate_all(*, now: datetime | None = None) -> dict[str, int]:
    """The nightly set-based pass over every user (see ``projects.reputation.nightly``)."""
    return nightly.recalculate_all(now=now or timezone.now())


def reputation_events_pending(*, older_than: datetime, limit: int = 500) -> list[int]:
    """Users whose events waited longer than a debounce window: their task was lost."""
    return list(
        ReputationEvent.objects.filter(processed_at__isnull=True, created_at__lte=older_than)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()[:limit]
    )

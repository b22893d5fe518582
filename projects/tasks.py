"""Periodic and event-driven work of the marketplace: reviews and reputation.

Tasks take primary keys, and call the same services a person would; every one is safe to run
twice (a retried message, two schedulers by mistake) because the services re-read the state.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from marketplace.tasks import debounce_release, enqueue_on_commit
from projects import audit
from projects.reputation import services as reputation
from projects.services import reviews, suspensions, timers, trust

logger = logging.getLogger(__name__)


@shared_task(name="projects.tasks.recalculate_user_reputation")
def recalculate_user_reputation(user_id: int) -> list[str]:
    # Release first: an event committed while this runs schedules a fresh run.
    debounce_release(reputation.debounce_key(user_id))
    return reputation.reputation_recalculate_user(user_id=user_id)


@shared_task(name="projects.tasks.recalculate_all_reputation")
def recalculate_all_reputation() -> dict[str, int]:
    result = reputation.reputation_recalculate_all()
    logger.info(
        "nightly reputation pass: %(changes)s figures moved, %(held)s rows held elsewhere left"
        " for the next pass",
        result,
    )
    return result


@shared_task(name="projects.tasks.sweep_reputation_events")
def sweep_reputation_events() -> int:
    """Recalculate users whose event waited longer than two debounce windows (lost message)."""
    older_than = timezone.now() - timedelta(seconds=2 * settings.REPUTATION_DEBOUNCE_SECONDS)
    users = reputation.reputation_events_pending(older_than=older_than)
    for user_id in users:  # bounded by the selector's limit
        enqueue_on_commit(recalculate_user_reputation, user_id)
    return len(users)


@shared_task(name="projects.tasks.reveal_due_reviews")
def reveal_due_reviews(batch: int = 500) -> int:
    """Reveal reviews whose window closed, a bounded batch per run; the next run continues."""
    return reviews.reviews_reveal_due(batch=batch)


@shared_task(name="projects.tasks.sweep_trust_checks")
def sweep_trust_checks(batch: int = 500) -> int:
    """Look again at recently completed contracts whose reviews count, for signs (found after
    their reviews) that both parties are one person (projects.services.trust)."""
    return trust.trust_checks_recent(batch=batch)


# --- timers (DESIGN.md §4) ---------------------------------------------------------------------


def _sweep(sweep, name: str) -> int:
    """Run a sweep batch after batch, at most ``TIMER_MAX_BATCHES`` per run: a backlog drains
    over a few runs instead of holding a worker for long."""
    total = 0
    for _ in range(settings.TIMER_MAX_BATCHES):
        done = sweep(batch=settings.TIMER_BATCH_SIZE)
        total += done
        if done < settings.TIMER_BATCH_SIZE:
            break
    if total:
        logger.info("%s: %d handled", name, total)
    return total


@shared_task(name="projects.tasks.sweep_milestone_due_dates")
def sweep_milestone_due_dates() -> int:
    return _sweep(timers.milestone_due_sweep, "due-date notices")


@shared_task(name="projects.tasks.sweep_auto_release")
def sweep_auto_release() -> int:
    return _sweep(timers.auto_release_sweep, "auto-release")


@shared_task(name="projects.tasks.sweep_bidding_deadlines")
def sweep_bidding_deadlines() -> int:
    return _sweep(timers.bidding_sweep, "bidding deadlines")


@shared_task(name="projects.tasks.sweep_unfunded_contracts")
def sweep_unfunded_contracts() -> int:
    return _sweep(timers.funding_sweep, "unfunded contracts")


@shared_task(name="projects.tasks.sweep_ended_suspensions")
def sweep_ended_suspensions() -> int:
    return _sweep(suspensions.suspensions_restore_ended, "ended suspensions")


@shared_task(name="projects.tasks.audit_ledger")
def audit_ledger() -> int:
    problems = audit.ledger_audit_with_alert()
    if problems:
        logger.error("ledger audit failed: %s", "; ".join(problems))
    return len(problems)

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
from projects.services import reputation, reviews

logger = logging.getLogger(__name__)


@shared_task(name="projects.tasks.recalculate_user_reputation")
def recalculate_user_reputation(user_id: int) -> list[str]:
    # Release first: an event committed while this runs schedules a fresh run.
    debounce_release(reputation.debounce_key(user_id))
    return reputation.reputation_recalculate_user(user_id=user_id)


@shared_task(name="projects.tasks.recalculate_all_reputation")
def recalculate_all_reputation() -> dict[str, int]:
    result = reputation.reputation_recalculate_all()
    logger.info("nightly reputation pass: %(changes)s figures moved", result)
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

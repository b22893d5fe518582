"""Infrastructure tasks and the one way the code base enqueues work.

Tasks are enqueued only once the surrounding transaction has committed: a worker must never pick
up a primary key whose row it cannot see yet, nor act on a change that was rolled back.
``tests/marketplace/test_celery_config.py`` checks that nothing calls ``delay``/``apply_async``
outside this module.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# The heartbeats behind GET /api/v1/health/ (marketplace/health.py), ISO times in the cache:
# the heartbeat task last ran on a worker (beat → broker → worker pool → cache: the whole chain)…
HEARTBEAT_CACHE_KEY = "scheduler:last-heartbeat"
# …beat last sent it (the scheduler alone: marketplace/celery.py, on publishing)…
SCHEDULER_SENT_CACHE_KEY = "scheduler:last-sent"
# …and a worker's main process last wrote it while consuming (marketplace/celery.py).
WORKER_HEARTBEAT_CACHE_KEY = "worker:last-heartbeat"
HEARTBEAT_TTL_SECONDS = 24 * 3600


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` with these arguments after the current transaction commits."""
    # robust: the transaction has committed; a broker that is down must not turn the user's
    # success into an error. The failure is logged, and work that matters is found again from
    # the database by a periodic sweep.
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs), robust=True)


def enqueue_debounced(task: Task, *args: Any, key: str, seconds: float) -> None:
    """Send ``task`` once per ``seconds`` for ``key``, ``seconds`` after the first request.

    Later requests inside the window are absorbed: the task, when it runs, must do the work of
    all of them (it reads the state from the database) and should call ``debounce_release``
    first, so a request arriving while it runs schedules a fresh run.
    """

    def send() -> None:
        if cache.add(key, "scheduled", timeout=max(1, int(seconds) * 2)):
            task.apply_async(args=args, countdown=seconds)

    transaction.on_commit(send, robust=True)


def debounce_release(key: str) -> None:
    cache.delete(key)


@shared_task(name="marketplace.tasks.heartbeat")
def heartbeat() -> str:
    """Run by beat on a fixed interval; its timestamp proves that the scheduler and a worker live.

    ``GET /api/v1/health/`` shows it as ``scheduler.last_heartbeat``.
    """
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=HEARTBEAT_TTL_SECONDS)
    return now


def heartbeat_record(key: str) -> None:
    """Write the time to ``key``, for the health endpoint; never raises.

    Called from the scheduler's and the worker's own machinery (a signal, the worker's event
    loop), where an exception would do more harm than a missed heartbeat: health shows the
    missing beat when it grows old, which is the truth when the cache cannot be written.
    """
    try:
        cache.set(key, timezone.now().isoformat(), timeout=HEARTBEAT_TTL_SECONDS)
    except Exception:
        logger.warning("heartbeat %s not recorded", key, exc_info=True)

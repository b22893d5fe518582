"""Checks behind ``GET /api/v1/health/``: can this process reach its database and broker, and
are a scheduler and a worker alive somewhere?

The web node's own dependencies (database, broker) decide the status code: 503 when either is
unreachable, because this node cannot serve then. The background processes only degrade the
answer: a stopped worker or scheduler is reported (``status: degraded``, ``problems`` naming
it) with a 200, so a load balancer does not take healthy web nodes out of service for a
problem that restarting them would not fix. docs/production.md says how to probe and alert.

The scheduler and the worker are judged by heartbeats they write to the cache themselves
(marketplace/celery.py): one cache read, no message round trip, nothing that waits on them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from marketplace.celery import app as celery_app
from marketplace.celery import ensure_local_folders
from marketplace.tasks import (
    HEARTBEAT_CACHE_KEY,
    SCHEDULER_SENT_CACHE_KEY,
    WORKER_HEARTBEAT_CACHE_KEY,
)

# A heartbeat older than this many intervals (HEARTBEAT_INTERVAL_SECONDS) means its process is
# down or stuck: one late beat can be a busy moment, three in a row are not.
STALE_AFTER_INTERVALS = 3

logger = logging.getLogger(__name__)


def database_is_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means "down" to a health probe
        logger.warning("health: database unreachable", exc_info=True)
        return False


def broker_is_up() -> bool:
    try:
        ensure_local_folders()
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
            conn.default_channel  # noqa: B018 - opening a channel is the real round trip
        return True
    except Exception:
        logger.warning("health: broker unreachable", exc_info=True)
        return False


def cache_is_up() -> bool:
    try:
        cache.set("health:probe", "1", timeout=10)
        return cache.get("health:probe") == "1"
    except Exception:
        logger.warning("health: cache unreachable", exc_info=True)
        return False


def heartbeats() -> dict[str, str] | None:
    """The heartbeat times in the cache (one round trip), or None when it cannot be read."""
    try:
        return cache.get_many(
            [HEARTBEAT_CACHE_KEY, SCHEDULER_SENT_CACHE_KEY, WORKER_HEARTBEAT_CACHE_KEY]
        )
    except Exception:
        logger.warning("health: heartbeats unreadable", exc_info=True)
        return None


def stale_after() -> timedelta:
    return timedelta(seconds=STALE_AFTER_INTERVALS * settings.HEARTBEAT_INTERVAL_SECONDS)


def heartbeat_status(beat: str | None, now: datetime) -> str:
    """``up`` when ``beat`` (an ISO time) is recent, ``down`` when old or missing."""
    if not beat:
        return "down"
    try:
        age = now - datetime.fromisoformat(beat)
    except (TypeError, ValueError):
        return "down"
    return "up" if age <= stale_after() else "down"


def _up(flag: bool) -> str:
    return "up" if flag else "down"


def report() -> tuple[dict[str, Any], int]:
    """The health answer and its status code (see the module's docstring)."""
    database, broker, cache_up = database_is_up(), broker_is_up(), cache_is_up()
    beats = heartbeats() if cache_up else None
    now = timezone.now()
    if beats is None:
        beats, scheduler, worker = {}, "unknown", "unknown"
    else:
        scheduler = heartbeat_status(beats.get(SCHEDULER_SENT_CACHE_KEY), now)
        worker = heartbeat_status(beats.get(WORKER_HEARTBEAT_CACHE_KEY), now)
    parts = {
        "database": _up(database),
        "broker": _up(broker),
        "cache": _up(cache_up),
        "scheduler": scheduler,
        "worker": worker,
    }
    problems = [name for name, state in parts.items() if state != "up"]
    body = {
        "status": "degraded" if problems else "ok",
        "problems": problems,
        "database": parts["database"],
        "broker": parts["broker"],
        "cache": parts["cache"],
        "scheduler": {
            "status": scheduler,
            "last_sent": beats.get(SCHEDULER_SENT_CACHE_KEY),
            "last_heartbeat": beats.get(HEARTBEAT_CACHE_KEY),
        },
        "worker": {"status": worker, "last_heartbeat": beats.get(WORKER_HEARTBEAT_CACHE_KEY)},
    }
    return body, 200 if database and broker else 503

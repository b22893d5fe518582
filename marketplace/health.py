"""Checks behind ``GET /api/v1/health/``: can this process reach its database and broker?"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import connection

from marketplace.celery import app as celery_app
from marketplace.celery import ensure_local_folders
from marketplace.tasks import HEARTBEAT_CACHE_KEY

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


def scheduler_last_heartbeat() -> str | None:
    try:
        return cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:
        return None

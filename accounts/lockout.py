"""The per-account login delay: after a run of wrong passwords, attempts must wait 1 s, 2 s, 4 s…

The per-address throttle (``accounts.throttles``) stops one client guessing fast; this stops
many clients (a botnet, or one client with made-up addresses) guessing one account's password
together. It is keyed by the account when the name tried belongs to one (its username and its
e-mail address share one count) and by the name tried, lower-cased, when it does not — the same
behaviour either way, so the delay tells nobody whether an account exists.

Why a growing delay and not a lock: a lock for an hour after N failures lets anyone lock any
user out by typing their name. Here an attempt made while the delay runs is refused without the
password being checked and without lengthening the delay, so the victim waits at most
``LOGIN_DELAY_MAX_SECONDS`` and then logs in; the attacker gets one guess per delay.

``UsernameOrEmailBackend`` applies it, so every login through Django's ``authenticate`` — the
API's token, the login page, the admin — is covered. It writes the seconds left on the request
(``delay_of(request)``) for the caller to say why the login was refused. The counts live in the
cache and fail open: a cache outage must not lock everyone out.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

REQUEST_ATTRIBUTE = "garap_login_delay"


def subject_key(*, identifier: str, user_id: int | None) -> str:
    """The count's key: the account if one matched, else the name tried (case-insensitive)."""
    subject = f"user:{user_id}" if user_id is not None else f"name:{identifier.strip().lower()}"
    return "login-failures:" + hashlib.sha256(subject.encode()).hexdigest()


def delay_for(failures: int) -> int:
    """Seconds to wait after ``failures`` wrong passwords in a row: 0 for the first few."""
    over = failures - settings.LOGIN_FAILURES_BEFORE_DELAY
    if over < 0:
        return 0
    return min(settings.LOGIN_DELAY_MAX_SECONDS, 2 ** min(over, 30))


def seconds_left(key: str) -> int:
    """How long the next attempt on this subject must wait (0: it may try now)."""
    try:
        state = cache.get(key)
    except Exception:
        logger.warning("login delay not checked: the cache is unavailable", exc_info=True)
        return 0
    if not state:
        return 0
    left = state.get("until", 0) - time.time()
    return max(0, math.ceil(left))


def record_failure(key: str) -> int:
    """Count a wrong password; returns the delay now in force (seconds)."""
    try:
        state = cache.get(key) or {"failures": 0}
        failures = int(state.get("failures", 0)) + 1
        delay = delay_for(failures)
        until = time.time() + delay
        cache.set(
            key,
            {"failures": failures, "until": until},
            timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS,
        )
    except Exception:
        logger.warning("login failure not counted: the cache is unavailable", exc_info=True)
        return 0
    return delay


def clear(key: str) -> None:
    """A successful login: the run of failures is over."""
    try:
        cache.delete(key)
    except Exception:
        logger.warning("login failures not cleared: the cache is unavailable", exc_info=True)


def mark_delayed(request: Any, seconds: int) -> None:
    if request is not None:
        setattr(request, REQUEST_ATTRIBUTE, seconds)


def delay_of(request: Any) -> int:
    """The seconds a refused login on this request must wait (0: it was a wrong password)."""
    return int(getattr(request, REQUEST_ATTRIBUTE, 0) or 0)

"""Rate limits: the client's address and counters in the cache (DRF's throttles built on them
are in ``marketplace.throttles``; services call ``rate_limit`` directly).

One home for "who is asking": ``client_address`` trusts ``X-Forwarded-For`` only as far as
``NUM_PROXIES`` says our own proxies wrote it (0: the socket's address, ``REMOTE_ADDR``). Every
per-address throttle (API and pages) identifies the client through it; a value a client made up
in the header never becomes a fresh identity.

Limits fail open: the counters live in the cache (Redis in production), and a cache that is down
must not turn every login or message into a 500. The request goes through and a warning is
logged; the database-backed rules (balances, states, constraints) still hold.
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from marketplace.errors import RateLimited

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_address(request: Any) -> str:
    """The client's IP address as our own proxies saw it.

    With ``NUM_PROXIES = n`` the n-th address from the right of ``X-Forwarded-For`` is the one
    the outermost of our proxies received the connection from; anything left of it was written
    by the client and is ignored. Without proxies (n = 0) the header is ignored entirely.
    """
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR", "") or ""
    hops = settings.NUM_PROXIES
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    return forwarded[-min(hops, len(forwarded))][:64]


def parse_rate(rate: str) -> tuple[int, int]:
    """``"10/min"`` → (10, 60): as DRF reads rates (the unit's first letter counts)."""
    count, _slash, unit = rate.partition("/")
    return int(count), PERIODS[unit.strip()[0].lower()]


def _window(scope: str, key: object, period: int, now: float) -> tuple[str, int]:
    window = int(now // period)
    wait = max(1, math.ceil((window + 1) * period - now))
    return f"ratelimit:{scope}:{key}:{window}", wait


def window_clock() -> float:
    """The clock the fixed windows are cut from: the wall clock (the tests start it at a
    window's beginning, so that no test's requests straddle a window's end by chance)."""
    return time.time()


def count_hit(scope: str, key: object, rate: str) -> int:
    """Count one use of ``scope`` by ``key``; 0 if it is within ``rate``, else the seconds
    until the current window ends. Fixed windows: at most twice the rate across a boundary,
    which is fine for abuse limits and costs one cache round trip."""
    limit, period = parse_rate(rate)
    cache_key, wait = _window(scope, key, period, window_clock())
    try:
        if cache.add(cache_key, 1, timeout=period + 1):
            used = 1
        else:
            try:
                used = cache.incr(cache_key)
            except ValueError:  # expired between add and incr: this is the first use
                cache.set(cache_key, 1, timeout=period + 1)
                used = 1
    except Exception:
        logger.warning("rate limit %s not checked: the cache is unavailable", scope, exc_info=True)
        return 0
    return wait if used > limit else 0


def peek(scope: str, key: object, rate: str) -> int:
    """Like ``count_hit`` without counting: the seconds to wait if ``key`` is over ``rate``."""
    limit, period = parse_rate(rate)
    cache_key, wait = _window(scope, key, period, window_clock())
    try:
        used = cache.get(cache_key) or 0
    except Exception:
        logger.warning("rate limit %s not checked: the cache is unavailable", scope, exc_info=True)
        return 0
    return wait if used >= limit else 0


def rate_limit(scope: str, key: object, rate: str, message: StrOrPromise = "") -> None:
    """Count one use, and raise ``RateLimited`` (429, with the seconds to wait) beyond ``rate``.

    ``message`` holds ``%(seconds)d``: ``ngettext_lazy(one, many, "seconds")``, so that the
    wait takes its plural ("1 second"); by default the general "too many attempts" text."""
    wait = count_hit(scope, key, rate)
    if wait:
        if not message:
            raise RateLimited(wait_message(wait), retry_after=wait)
        raise RateLimited(str(message % {"seconds": wait}), retry_after=wait)


def wait_message(wait: int) -> str:
    return ngettext(
        "Too many attempts. Wait %(seconds)d second and try again.",
        "Too many attempts. Wait %(seconds)d seconds and try again.",
        wait,
    ) % {"seconds": wait}

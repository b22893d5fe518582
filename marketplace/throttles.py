"""DRF throttles (and the pages' use of them) on the one client address of
``marketplace.ratelimit``, failing open when the cache is down."""

from __future__ import annotations

import logging
import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle

from marketplace.ratelimit import client_address, wait_message

logger = logging.getLogger(__name__)


class ClientRateThrottle(SimpleRateThrottle):
    """DRF's throttle with the one client address, a rate read at request time from
    ``rate_setting`` (DRF freezes its class attribute at import), and failing open."""

    rate_setting = ""

    def get_rate(self) -> str:
        return getattr(settings, self.rate_setting)

    def get_ident(self, request: Any) -> str:
        return client_address(request)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("throttle %s not checked: the cache is unavailable", self.scope)
            return True


class UserRateThrottle(ClientRateThrottle):
    """Per account when signed in, per client address otherwise."""

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        ident = f"user:{user.pk}" if user is not None and user.is_authenticated else None
        return self.cache_format % {
            "scope": self.scope,
            "ident": ident or self.get_ident(request),
        }


def page_refusal(throttle: SimpleRateThrottle, request: HttpRequest) -> tuple[str, int] | None:
    """A throttle for a page's POST: None to go on, else (message, seconds to wait)."""
    # DRF's throttles read only the user and META, which a page's HttpRequest has too.
    if throttle.allow_request(request, None):  # type: ignore[arg-type]
        return None
    wait = max(1, math.ceil(throttle.wait() or 1))
    return wait_message(wait), wait

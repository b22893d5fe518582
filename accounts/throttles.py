"""Slows down bursts of login and sign-up attempts from one address."""

from __future__ import annotations

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView


class AuthRateThrottle(SimpleRateThrottle):
    scope = "auth"

    def get_rate(self) -> str:
        # Read at request time (DRF's class attribute is frozen at import, so tests and
        # deployments could not change it).
        return settings.AUTH_THROTTLE_RATE

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

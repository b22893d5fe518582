"""Slows down bursts of login, sign-up and e-mail requests from one client address."""

from __future__ import annotations

from marketplace.throttles import ClientRateThrottle


class AuthRateThrottle(ClientRateThrottle):
    """Per client address (``marketplace.ratelimit.client_address``), ``AUTH_THROTTLE_RATE``;
    the API's auth endpoints, the login, sign-up, reset and verification pages and the admin's
    login count together."""

    scope = "auth"
    rate_setting = "AUTH_THROTTLE_RATE"

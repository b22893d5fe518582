"""Recording where people sign up and log in from (``accounts.models.SignIn``).

Every sign-in through a session (the pages' login and sign-up, the admin's login) is recorded
by a receiver of Django's ``user_logged_in`` signal; the API's register and token endpoints
call ``accounts.services.sign_in_record`` themselves, since issuing a token is not a session login.

The browser is told apart by a random id in a long-lived cookie (``DEVICE_COOKIE``) given at
its first sign-in; ``DeviceCookieMiddleware`` sets it on that response. It identifies nothing
but "the same browser as before", and like the address it is stored only as a keyed hash.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from accounts.models import SignIn
from accounts.services.signins import sign_in_record
from marketplace.ratelimit import client_address  # the one home of the rule

if TYPE_CHECKING:
    from accounts.models import User

DEVICE_COOKIE = "garap_device"
DEVICE_COOKIE_AGE = 5 * 365 * 24 * 3600  # seconds: a browser stays the same browser
_NEW_DEVICE = "_garap_new_device"


def device_id(request: HttpRequest, *, give: bool = True) -> str:
    """This browser's id from its cookie, or a new one (set on the response by the middleware)
    when ``give``; "" without one. An API client keeps no cookie, so it is given none: a fresh
    id at every login would say nothing and only add rows."""
    existing = request.COOKIES.get(DEVICE_COOKIE, "")
    if 16 <= len(existing) <= 64 and existing.isascii() and existing.isalnum():
        return existing
    if not give:
        return ""
    new = getattr(request, _NEW_DEVICE, None) or secrets.token_hex(16)
    setattr(request, _NEW_DEVICE, new)
    return new


def request_origin(request: HttpRequest, *, give_device: bool = True) -> dict[str, str]:
    """``address`` and ``device`` of a request, as ``sign_in_record`` takes them."""
    return {"address": client_address(request), "device": device_id(request, give=give_device)}


def record_session_login(sender: Any, request: HttpRequest | None, user: User, **_: Any) -> None:
    """``user_logged_in`` receiver: a session login (pages, admin) is a sign-in to record."""
    if request is None:  # a login outside a request (a test's force_login has one; scripts not)
        return
    sign_in_record(user_id=user.pk, kind=SignIn.Kind.LOGIN, **request_origin(request))


class DeviceCookieMiddleware:
    """Gives a browser its id cookie on the response to the request that made one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        new = getattr(request, _NEW_DEVICE, None)
        if new:
            response.set_cookie(
                DEVICE_COOKIE,
                new,
                max_age=DEVICE_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

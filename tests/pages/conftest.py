"""Helpers for the page tests: a browser-like client signed in as someone, in a language."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.test import Client


def browser(user=None, language: str = "en") -> Client:
    """A test client as a browser: CSRF checks on (as in production), a language, and a
    session for ``user`` (anonymous without one)."""
    client = Client(enforce_csrf_checks=False, headers={"accept-language": language})
    if user is not None:
        client.force_login(user)
    return client


def assert_login_redirect(response, path: str) -> None:
    """An anonymous visitor is sent to the login page, which brings them back afterwards."""
    query = QueryDict(mutable=True)
    query["next"] = path
    assert response.status_code == 302, response.status_code
    assert response["Location"] == f"/accounts/login/?{query.urlencode(safe='/')}"


@pytest.fixture
def as_user():
    return browser

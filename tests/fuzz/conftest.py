"""One world (tests/fuzz/world.py) per test module: built once inside a transaction that every
test's own transaction nests in, and rolled back when the module is done — as Django's
``TestCase.setUpTestData`` does — so hundreds of one-request tests do not each pay for it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from tests.fuzz.world import ROLES, World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> World:
    from django.core.cache import cache

    with django_db_blocker.unblock(), transaction.atomic():
        cache.clear()  # the world's sign-ups count against the throttles otherwise
        built = build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def tokens(world: World, django_db_blocker) -> dict[str, str]:
    """A bearer token per user of the world (made inside the world's transaction)."""
    from accounts.models import User
    from accounts.services import token_issue

    with django_db_blocker.unblock():
        return {
            role: token_issue(user=User.objects.get(pk=world.users[role]["id"]))[1]
            for role in ROLES
        }


def http_client() -> Client:
    """A client that answers a crash with the 500 response a server would send, in English."""
    return Client(raise_request_exception=False, headers={"accept-language": "en"})

"""The four kinds of people the admin must tell apart (issue: moderation and trust & safety).

- ``moderator``: staff in the Moderators group (accounts.roles), not a superuser;
- ``finance``: staff in the Finance group (processes withdrawals);
- ``plain_staff``: staff with no group — may sign in to the admin and do nothing there;
- ``superuser``: may do everything;
- ``ordinary``: a marketplace user, not staff — the admin sends them to its login page.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.roles import FINANCE, MODERATORS, ensure_role_groups
from tests.accounts.factories import UserFactory


@pytest.fixture
def roles(db) -> dict[str, object]:
    ensure_role_groups()
    moderator = UserFactory(username="moderator1", is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    finance = UserFactory(username="finance1", is_staff=True)
    finance.groups.add(Group.objects.get(name=FINANCE))
    return {
        "moderator": moderator,
        "finance": finance,
        "plain_staff": UserFactory(username="staff1", is_staff=True),
        "superuser": UserFactory(username="root1", is_staff=True, is_superuser=True),
        "ordinary": UserFactory(username="ordinary1"),
    }


@pytest.fixture
def admin_client_for():
    """A browser-like test client signed in as the given user (sessions, CSRF as in the admin)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def as_role(roles, admin_client_for):
    """A signed-in admin client for a role (or a user), reading the admin in English."""

    def make(role):
        client = admin_client_for(roles[role] if isinstance(role, str) else role)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make

"""What the permission matrices (tests/projects/test_permissions.py and
tests/accounts/test_profile_permissions.py) share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.roles import MODERATORS, ensure_role_groups


def moderators_group() -> Group:
    """The Moderators group with exactly the role's permissions (accounts.roles)."""
    ensure_role_groups()
    return Group.objects.get(name=MODERATORS)


def class_world(build: Callable[[Group], Any]) -> Any:
    """A class-scoped fixture holding ``build``'s world for all the cases of a matrix class.

    The world is written inside a transaction held open while the class runs; each case runs in
    a savepoint of it that is rolled back, so every case starts from exactly this world —
    without rebuilding it hundreds of times.
    """

    @pytest.fixture(scope="class")
    def matrix_world(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            yield build(moderators_group())
            transaction.set_rollback(True)

    return matrix_world


def body_of(response: Any) -> bytes:
    """A response's body, streamed (a file download) or not."""
    if getattr(response, "streaming", False):
        # The test client closes the file once the stream is consumed; closing the response
        # again here would fire request_finished and close the test's database connection.
        return b"".join(response.streaming_content)
    return response.content

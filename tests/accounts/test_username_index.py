"""Lookups of a user by username or e-mail address, in any letter case, read an index (PostgreSQL).

Django's ``__iexact`` compiles to ``UPPER(column) = UPPER(value)`` on PostgreSQL; the
case-insensitive unique constraints are on ``lower()``, which that cannot use, so each lookup
read the whole user table (40–870 ms at 200 000 users). ``user_username_upper`` and
``user_email_upper`` serve them. The SQL explained here is what the real code paths send — the
profile page's, the client record's, reviews and portfolio by username, an invitation, log-in by
username and by e-mail, the sign-up checks — captured while they run.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import selectors
from accounts.backends import UsernameOrEmailBackend
from accounts.models import FreelancerProfile, User
from projects.models import Review
from projects.selectors.reviews import review_list_public
from projects.services.gigs.invitations import gig_invite
from tests.projects.factories import GigFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

USERS = 3000
USERNAME_INDEX, EMAIL_INDEX = "user_username_upper", "user_email_upper"


@pytest.fixture
def users() -> None:
    """3 000 users, each with a listed freelancer profile, and fresh planner statistics."""
    made = User.objects.bulk_create(
        User(username=f"Penjahit{n}", email=f"Penjahit{n}@Example.id", password="!")
        for n in range(USERS)
    )
    FreelancerProfile.objects.bulk_create(
        FreelancerProfile(user=user, headline="Penjahit kebaya") for user in made
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
        cursor.execute("ANALYZE accounts_freelancerprofile")


def _login(identifier: str) -> None:
    assert UsernameOrEmailBackend().authenticate(None, identifier, "salah") is None


def _invite(username: str) -> None:
    gig = GigFactory()
    assert gig_invite(gig_id=gig.pk, actor=gig.client, freelancer_username=username).pk


LOOKUPS: dict[str, tuple[Callable[[], object], str]] = {
    "profile page": (lambda: selectors.freelancer_get(username="penjahit1234"), USERNAME_INDEX),
    "client record": (
        lambda: selectors.client_record_get(username="PENJAHIT1234"),
        USERNAME_INDEX,
    ),
    "reviews by username": (
        lambda: list(review_list_public(username="penjahit1234", role=Review.Subject.FREELANCER)),
        USERNAME_INDEX,
    ),
    "portfolio by username": (
        lambda: list(selectors.portfolio_list(owner_username="penjahit1234")),
        USERNAME_INDEX,
    ),
    "log-in by username": (lambda: _login("PENJAHIT1234"), USERNAME_INDEX),
    "log-in by e-mail": (lambda: _login("penjahit1234@example.ID"), EMAIL_INDEX),
    "sign-up username check": (
        lambda: selectors.username_taken(username="penjahit1234"),
        USERNAME_INDEX,
    ),
    "sign-up e-mail check": (
        lambda: selectors.email_taken(email="PENJAHIT1234@example.id"),
        EMAIL_INDEX,
    ),
    "invitation by username": (lambda: _invite("PENJAHIT1234"), USERNAME_INDEX),
    "natural key": (lambda: User.objects.get_by_natural_key("penjahit1234"), USERNAME_INDEX),
}


def _case_insensitive_queries(lookup: Callable[[], object]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        lookup()
    return [
        q["sql"]
        for q in captured.captured_queries
        if 'UPPER("accounts_user"."username"' in q["sql"]
        or 'UPPER("accounts_user"."email"' in q["sql"]
    ]


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("name", LOOKUPS)
def test_each_case_insensitive_user_lookup_reads_an_index(users, name):
    lookup, index = LOOKUPS[name]
    queries = _case_insensitive_queries(lookup)

    assert len(queries) == 1, queries
    plan = _plan(queries[0])
    assert index in plan, plan
    assert "Seq Scan on accounts_user" not in plan, plan


def test_without_the_upper_index_the_lookup_reads_the_whole_table(users):
    """What the test above guards against: the lower() index of the constraint is no help."""
    (query,) = _case_insensitive_queries(LOOKUPS["profile page"][0])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {USERNAME_INDEX}")  # undone with the test's transaction

    plan = _plan(query)
    assert "Seq Scan on accounts_user" in plan, plan
    assert "user_username_ci_unique" not in plan, plan

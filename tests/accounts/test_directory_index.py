"""The freelancer directory reads each sort from its partial index (PostgreSQL).

A page is the top of an index over the listed profiles, walked in order, so it costs the same
with a hundred freelancers or a hundred thousand; before, every listed freelancer was sorted on
each request. EXPLAIN shows the index and no sort, on the first page and on a cursor page.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from accounts import selectors
from accounts.models import FreelancerProfile, User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

START = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)
USERS = 4000
INDEXES = {"rating": "freelancer_dir_rating", "newest": "freelancer_dir_newest"}


@pytest.fixture
def directory(time_machine) -> list[FreelancerProfile]:
    """4 000 profiles made over 40 minutes: three in four listed, some removed or of
    deactivated accounts, ratings spread with ties and unrated ones. The best rated and the
    newest belong to a deactivated account. Returns the profiles the directory must list, best
    rated first."""
    users = User.objects.bulk_create(
        User(username=f"f{n}", email=f"f{n}@example.id", password="!", is_active=n % 50 != 7)
        for n in range(USERS)
    )
    order = [*(n for n in range(USERS) if n != 57), 57]
    for batch in range(0, USERS, 100):
        time_machine.move_to(START + timedelta(minutes=batch // 100), tick=False)
        FreelancerProfile.objects.bulk_create(
            FreelancerProfile(
                user=users[n],
                headline="" if n % 4 == 3 else "Desainer",
                removed_at=START if n % 97 == 5 else None,
                rating=Decimal("5.000") if n == 57 else Decimal(300 + n % 200) / 100,
                rating_count=0 if n % 6 == 1 else 1 + n % 9,
            )
            for n in order[batch : batch + 100]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
        cursor.execute("ANALYZE accounts_freelancerprofile")
    listed = FreelancerProfile.objects.filter(
        user__is_active=True, removed_at__isnull=True
    ).exclude(headline="")
    return sorted(
        listed,
        key=lambda p: (p.rating if p.rating_count else Decimal(0), p.pk),
        reverse=True,
    )


@pytest.mark.parametrize("sort", ["rating", "newest"])
def test_each_directory_sort_is_read_from_its_index_without_sorting(directory, sort):
    page = selectors.freelancer_directory().order_by(*selectors.FREELANCER_SORTS[sort])
    first = page[:21]
    position = first[20].rank if sort == "rating" else first[20].created_at
    following = page.filter(**{"rank__lt" if sort == "rating" else "created_at__lt": position})[:21]

    for query in (first, following):
        plan = query.explain()
        assert INDEXES[sort] in plan, plan
        assert "Sort" not in plan, plan  # neither a sort nor an incremental one


def test_the_index_walk_skips_deactivated_and_removed_freelancers(directory, api_client):
    best = FreelancerProfile.objects.order_by("-rank", "-id").first()
    assert (best.rank, best.user.is_active) == (Decimal("5.000"), False)
    assert len(directory) > 2000

    best_rated = api_client.get("/api/v1/freelancers/", {"page_size": 100}).json()
    newest = api_client.get("/api/v1/freelancers/", {"sort": "newest", "page_size": 100}).json()

    assert [f["username"] for f in best_rated["results"]] == [
        p.user.username for p in directory[:100]
    ]
    assert {p.rank for p in directory[-300:]} == {Decimal(0)}  # no reviews: last
    by_date = sorted(directory, key=lambda p: (p.created_at, p.pk), reverse=True)
    assert [f["username"] for f in newest["results"]] == [p.user.username for p in by_date[:100]]
    assert "f57" not in {f["username"] for f in best_rated["results"] + newest["results"]}

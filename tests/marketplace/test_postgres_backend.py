"""The PostgreSQL engine (marketplace/postgres/base.py) reads timestamps in C and exactly as
Django's own backend does: in UTC, with Django's ``tzinfo``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.utils import timezone

from marketplace.postgres.base import _PARSER

pytestmark = pytest.mark.postgres


def test_the_engine_is_ours_and_parses_in_c(db):
    assert connection.settings_dict["ENGINE"] == "marketplace.postgres"
    # psycopg[binary] is pinned: its C loader, not the pure-Python one Django subclasses.
    assert _PARSER.__module__.startswith("psycopg_binary")


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("2026-11-24 15:30:15.123456+07", datetime(2026, 11, 24, 8, 30, 15, 123456, tzinfo=UTC)),
        ("2026-01-01 00:00:00+00", datetime(2026, 1, 1, tzinfo=UTC)),
        ("1999-12-31 23:59:59.5-05:30", datetime(2000, 1, 1, 5, 29, 59, 500000, tzinfo=UTC)),
    ],
)
def test_a_timestamp_reads_as_the_same_instant_in_utc(db, literal, expected):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [literal])
        (value,) = cursor.fetchone()
    assert value == expected
    assert value.tzinfo is connection.timezone  # Django's UTC object, as its backend gives


def test_a_model_round_trips_its_timestamps(db):
    from tests.projects.factories import GigFactory

    moment = timezone.now()
    gig = GigFactory(bidding_deadline=moment)
    gig.refresh_from_db()
    assert gig.bidding_deadline == moment

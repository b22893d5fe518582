"""The benchmark's in-process probe (bench/probe.py) on a generated marketplace of 1 000 gigs:
each measurement runs what it says, and the writes it times leave nothing behind."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Notification
from payments.models import Entry
from projects.models import Bid, Milestone
from projects.sample_data.generate import generate

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def _generated(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        # Now: the probe looks for gigs still taking bids and milestones falling due.
        generated = generate(gigs=1_000, seed=1, now=timezone.now())
        # The plans the probe reads depend on the tables' statistics: gather them now, as the
        # benchmark does after building a data set, rather than whenever autovacuum gets to it.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        yield generated
        transaction.set_rollback(True)


@pytest.fixture
def probe(_generated, db):
    from bench import probe

    return probe


def test_queries_per_request_are_counted_through_the_whole_stack(probe):
    answer = probe.op_queries()
    counts = answer["counts"]
    assert counts["gig list"] == 2
    assert counts["gig list, next page"] == 2
    assert counts["gig detail, no bids, anonymous"] == 3
    assert counts["gig detail, most bids, anonymous"] == 3
    # The token lookup is the one more statement an authenticated request makes.
    assert counts["gig detail, most bids, as its client (token)"] == 4
    assert counts["freelancer list"] <= 2
    assert counts["bid placement (token)"] > 5
    assert answer["bids"]["no bids"] == 0 < answer["bids"]["most bids"]


def test_timed_bids_and_releases_are_rolled_back(probe):
    before = (
        Bid.objects.count(),
        Notification.objects.count(),
        Entry.objects.count(),
        sorted(Milestone.objects.values_list("pk", "status")),
    )
    bids = probe.op_bid_place(n=4)["seconds"]
    releases = probe.op_release(n=4)["seconds"]
    assert len(bids) == len(releases) == 4
    assert all(seconds > 0 for seconds in bids + releases)
    after = (
        Bid.objects.count(),
        Notification.objects.count(),
        Entry.objects.count(),
        sorted(Milestone.objects.values_list("pk", "status")),
    )
    assert after == before


def test_the_list_is_compared_with_the_same_statements_sent_raw(probe):
    assert len(probe.op_list_view(n=3, page_size=20)["seconds"]) == 3
    raw = probe.op_raw_fetch(n=3, page_size=20)
    assert raw["statements"] == 2
    assert len(raw["seconds"]) == 3


def test_the_sweep_is_timed_with_its_index_and_forced_to_a_sequential_scan(probe):
    indexed = " ".join(probe.op_sweep_plan()["plan"])
    forced = " ".join(probe.op_sweep_plan(force_seq_scan=True)["plan"])
    assert "milestone_due_timer" in indexed
    assert "Seq Scan on projects_milestone" in forced
    assert "Index" not in forced
    assert len(probe.op_sweep(n=2, force_seq_scan=True)["seconds"]) == 2


def test_the_nightly_pass_and_its_bare_aggregates_both_run(probe):
    assert len(probe.op_nightly_bare(n=1)["seconds"]) == 1
    assert len(probe.op_nightly(n=1)["seconds"]) == 1

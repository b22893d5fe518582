"""What a timer sweep costs as the tables grow (PostgreSQL).

The sweeps select due rows through partial indexes made for them: EXPLAIN shows the index, and
the due-milestone query takes about as long with 100 000 rows that are not due as with 1 000 —
the same 40 rows are due in both. Times are compared as a ratio of medians measured in one run.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from projects.models import Bid, Contract, Gig, Milestone
from projects.services import timers
from tests.accounts.factories import UserFactory
from tests.projects.factories import CategoryFactory

# The funded milestones here are bare rows with no escrow behind them: the ledger audit after
# each test would rightly object.
pytestmark = [pytest.mark.postgres, pytest.mark.corrupts_ledger]

NOW = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
DUE = 40  # milestones due in both data sets
PER_CONTRACT = 100  # milestones per contract (positions 1…100)


def _contracts(count: int) -> list[int]:
    client, freelancer = UserFactory(), UserFactory()
    category = CategoryFactory()
    gigs = Gig.objects.bulk_create(
        Gig(
            client=client,
            title=f"Gig {i}",
            description="Isi",
            category=category,
            budget=100_000,
            bidding_deadline=NOW - timedelta(days=10),
            delivery_deadline=NOW + timedelta(days=30),
            status=Gig.Status.AWARDED,
            published_at=NOW - timedelta(days=12),
        )
        for i in range(count)
    )
    bids = Bid.objects.bulk_create(
        Bid(
            gig=gig,
            freelancer=freelancer,
            amount=100_000,
            delivery_days=5,
            cover_letter="Siap",
            status=Bid.Status.ACCEPTED,
        )
        for gig in gigs
    )
    contracts = Contract.objects.bulk_create(
        Contract(
            gig=bid.gig,
            bid=bid,
            client=client,
            freelancer=freelancer,
            amount=100_000,
            revisions_included=1,
            agreed_delivery_at=NOW,
        )
        for bid in bids
    )
    return [c.pk for c in contracts]


def _add_milestones(contract_ids: list[int], *, status: str, due_at: datetime) -> None:
    """PER_CONTRACT milestones on each contract, in one INSERT … SELECT generate_series."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Milestone._meta.db_table}
                (contract_id, position, title, amount, due_at, status, revisions_used,
                 due_notice_stage, cancel_fault, created_at, updated_at)
            SELECT c.id, p, 'Bagian ' || p, 1000, %s, %s, 0, 0, '', %s, %s
            FROM unnest(%s::bigint[]) AS c(id), generate_series(1, %s) AS p
            """,  # noqa: S608 - our table name
            [due_at, status, NOW, NOW, contract_ids, PER_CONTRACT],
        )
        cursor.execute(f"ANALYZE {Milestone._meta.db_table}")


def _median_seconds(run, rounds: int = 201) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _due_query():
    return list(timers.milestones_due(NOW).values_list("pk", flat=True)[:200])


@pytest.mark.django_db
def test_the_due_milestone_sweep_uses_its_index_and_does_not_slow_down_with_the_table():
    # 40 due (funded, due an hour ago), and 1 000 not due: funded but due in a month, or closed.
    _add_milestones(_contracts(1), status=Milestone.Status.FUNDED, due_at=NOW - timedelta(hours=1))
    Milestone.objects.filter(position__gt=DUE).delete()
    small = _contracts(10)
    _add_milestones(small[:5], status=Milestone.Status.FUNDED, due_at=NOW + timedelta(days=30))
    _add_milestones(small[5:], status=Milestone.Status.RELEASED, due_at=NOW - timedelta(days=30))
    assert len(_due_query()) == DUE
    small_time = _median_seconds(_due_query)

    large = _contracts(990)
    half = len(large) // 2
    _add_milestones(large[:half], status=Milestone.Status.FUNDED, due_at=NOW + timedelta(days=30))
    _add_milestones(large[half:], status=Milestone.Status.RELEASED, due_at=NOW - timedelta(days=30))
    assert Milestone.objects.count() == DUE + 100_000
    assert len(_due_query()) == DUE
    large_time = _median_seconds(_due_query)

    plan = timers.milestones_due(NOW).values_list("pk", flat=True)[:200].explain()
    assert "milestone_due_timer" in plan, plan
    assert "Index Cond" in plan, plan  # the scan is bounded by due_at, not filtered row by row
    ratio = large_time / small_time
    print(f"due-milestone sweep: 100k/1k rows = {ratio:.2f}× ({large_time * 1e3:.3f} ms median)")
    assert ratio <= 2.0, f"{ratio:.2f}× slower with 100 000 rows"


@pytest.mark.django_db
def test_the_auto_release_sweep_reads_an_index_not_the_table():
    contracts = _contracts(50)
    _add_milestones(contracts, status=Milestone.Status.RELEASED, due_at=NOW)
    Milestone.objects.filter(contract_id=contracts[0], position__lte=3).update(
        status=Milestone.Status.SUBMITTED, submitted_at=NOW - timedelta(days=5)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Milestone._meta.db_table}")
    plan = timers.milestones_to_release(NOW).values_list("pk", flat=True)[:200].explain()
    # Its partial index, or the status index: both find the 3 submitted rows directly (the
    # planner picks by cost); never a scan of the 5 000 closed milestones.
    assert "Index Scan" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert timers.milestones_to_release(NOW).count() == 3

"""What the faults share: waiting for a moment or a condition, the recovery check, a database
session of the fault's own, and the due milestones the sweeps should release."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import psycopg

from faults.run import Outcome, Run

# Health must be back to 200 "ok" this long after a dependency returns (reconnects, fresh
# heartbeats from the worker and beat).
RECOVERY_SECONDS = 60.0
OUTAGE_SECONDS = 6.0


@dataclass
class Fault:
    name: str
    title: str
    inject: Callable[[Run, Outcome, float], None]
    smoke: bool = False


def until(started: float, seconds: float) -> None:
    time.sleep(max(0.0, started + seconds - time.monotonic()))


def wait(condition: Callable[[], object], timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())


def recovered(run: Run, outcome: Outcome, what: str) -> None:
    since = run.wait_healthy(RECOVERY_SECONDS)
    if since is None:
        probe = run.prober.latest()
        outcome.check(
            "health truthful",
            [f"health not 200 ok {RECOVERY_SECONDS:.0f} s after {what}: {probe and probe.body}"],
        )
    else:
        outcome.healthy_since = since


def side_session(run: Run) -> psycopg.Connection:
    """A connection of the fault's own, outside Django, to hold locks with."""
    return psycopg.connect(f"host=127.0.0.1 port={run.postgres.port} dbname=garap user=postgres")


def lock_waiters(table: str) -> int:
    """Backends of the run's database waiting for a lock on a statement about ``table``."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND query LIKE %s",
            [f"%{table}%"],
        )
        return cursor.fetchone()[0]


def make_due(milestones: list[int]) -> None:
    """Move the submissions back past AUTO_RELEASE_DAYS, as the days passing would: the next
    auto-release sweep finds them due."""
    from django.conf import settings
    from django.db.models import F

    from marketplace.timing import days
    from projects.models import Milestone

    Milestone.objects.filter(pk__in=milestones).update(
        submitted_at=F("submitted_at") - days(settings.AUTO_RELEASE_DAYS) - timedelta(hours=1)
    )


def milestone_states(milestones: list[int]) -> dict[int, str]:
    from projects.models import Milestone

    Run.db_reset()
    return dict(Milestone.objects.filter(pk__in=milestones).values_list("pk", "status"))


def released(milestones: list[int]) -> bool:
    return set(milestone_states(milestones).values()) == {"released"}

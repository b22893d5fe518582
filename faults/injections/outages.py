"""A dependency gone under the load: Redis killed, PostgreSQL crashed (also mid-request, with an
Idempotency-Key); and the baseline phase without any fault."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

from faults import checks
from faults.http import Answer
from faults.injections.common import (
    OUTAGE_SECONDS,
    lock_waiters,
    recovered,
    side_session,
    until,
    wait,
)
from faults.load import API, call
from faults.run import Outcome, Run


def baseline(run: Run, outcome: Outcome, seconds: float) -> None:
    """No fault: the figures every other phase is compared with."""
    until(outcome.started, seconds)


def _outage(
    run: Run,
    outcome: Outcome,
    seconds: float,
    *,
    stop: Callable[[], None],
    start: Callable[[], None],
    part: str,
) -> None:
    """A dependency down for OUTAGE_SECONDS a third into the phase: health must name ``part``
    while it is down, and everything must recover once it is back."""
    until(outcome.started, seconds * 0.3)
    down = time.monotonic()
    stop()
    time.sleep(OUTAGE_SECONDS)
    restarting = time.monotonic()
    start()
    up = time.monotonic()
    outcome.outages.append((down, up))
    # Health must name the part while it is down: until it is being started again, not until
    # start() returns, by when (on a busy machine) it may have been serving for a while.
    outcome.check(
        "health truthful",
        checks.health_during(run.prober.probes, (down + 0.5, restarting), {part}),
    )
    recovered(run, outcome, f"the {part} came back")
    until(outcome.started, seconds)


def redis_outage(run: Run, outcome: Outcome, seconds: float) -> None:
    """kill -9 of Redis while the worker holds unacknowledged messages; restarted 6 s later."""
    from marketplace.tasks import heartbeat

    # Tasks waiting for their countdown sit in the worker unacknowledged, as the debounced
    # reputation recalculation nearly always does.
    for _ in range(2):
        heartbeat.apply_async(countdown=600)
    held = wait(lambda: run.redis.client().hlen("unacked") >= 2, 20)
    outcome.check(
        "the worker held unacked messages", [] if held else ["Redis recorded fewer than two"]
    )
    _outage(run, outcome, seconds, stop=run.redis.kill, start=run.redis.start, part="broker")


def postgres_crash(run: Run, outcome: Outcome, seconds: float) -> None:
    """``pg_ctl stop -m immediate`` under the load; started again 6 s later."""
    _outage(
        run, outcome, seconds, stop=run.postgres.crash, start=run.postgres.start, part="database"
    )


def idempotent_retry(run: Run, outcome: Outcome, seconds: float) -> None:
    """A fund request with an Idempotency-Key is inside its transaction (waiting on the
    client's wallet row, held by another session) when PostgreSQL crashes: a 503. Sent again
    with the same key once the database is back, it is done — not "in progress" (409) — and
    the milestone is funded once."""
    from django.contrib.auth import get_user_model

    from payments.models import LedgerTransaction

    pair = run.pair("idem")
    _, milestone = pair.contract()
    pair.top_up(150_000)
    client_id = get_user_model().objects.get(username=pair.client_name).pk
    key = f"fund-{uuid.uuid4().hex}"
    path = f"{API}/milestones/{milestone}/fund/"
    cut: list[Answer] = []
    problems = []
    until(outcome.started, seconds * 0.3)
    holder = side_session(run)
    try:
        holder.execute(
            "SELECT id FROM payments_account WHERE reference = %s FOR UPDATE",
            [f"wallet:{client_id}"],
        )
        sender = threading.Thread(
            target=lambda: cut.append(
                pair.client.request("POST", path, headers={"Idempotency-Key": key})
            )
        )
        sender.start()
        if not wait(lambda: lock_waiters("payments_account") > 0, 20, every=0.05):
            problems.append("the fund request never waited inside its transaction")
        down = time.monotonic()
        run.postgres.crash()
        sender.join(30)
    finally:
        holder.close()
    time.sleep(2)
    run.postgres.start()
    up = time.monotonic()
    outcome.outages.append((down, up))
    first = cut[0] if cut else None
    if first is None or first.status != 503 or not first.retry_after:
        problems.append(f"the request cut by the crash answered {getattr(first, 'status', None)}")
    retried = call(pair.client, "POST", path, headers={"Idempotency-Key": key})
    again = pair.client.request("POST", path, headers={"Idempotency-Key": key})
    if again.status != 200 or again.headers.get("idempotent-replayed") != "true":
        problems.append(f"the third send answered {again.status} without a replay")
    if retried.json() != again.json():
        problems.append("the replay differs from the answer it replays")
    Run.db_reset()
    funds = LedgerTransaction.objects.filter(
        kind=LedgerTransaction.Kind.FUND, reference=f"milestone:{milestone}"
    ).count()
    if funds != 1:
        problems.append(f"milestone {milestone} funded by {funds} transactions")
    outcome.notes.append(
        f"cut: {getattr(first, 'status', None)}; retried: {retried.status}; again: {again.status}"
    )
    outcome.check("a retry with the key is done once", problems)
    recovered(run, outcome, "PostgreSQL came back")
    until(outcome.started, seconds)

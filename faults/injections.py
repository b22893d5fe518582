"""The faults, one function each: ``inject(run, outcome, seconds)`` does its harm while the load
runs (for about ``seconds``), undoes it, and records what it alone can see — the health answers
while it lasted, the fate of its own requests and milestones — in ``outcome``. The checks every
phase shares (ledger, duplicates, outbox, 500s) follow in faults/__main__.py.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import timedelta

import psycopg

from faults import checks
from faults.http import Answer
from faults.load import API, call
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


# --- the faults ------------------------------------------------------------------------------


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
    start()
    up = time.monotonic()
    outcome.outages.append((down, up))
    outcome.check(
        "health truthful", checks.health_during(run.prober.probes, (down + 0.5, up), {part})
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


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def full_disk(run: Run, outcome: Outcome, seconds: float) -> None:
    """The uploads' 5 MB tmpfs filled to the last byte: a message with a file is a 507 and
    leaves nothing behind; once room is made the same upload succeeds."""
    if not run.disk.mounted:
        outcome.skipped = f"no tmpfs for uploads: {run.disk.why_not} (needs root)"
        until(outcome.started, seconds)
        return
    pair = run.pair("disk")
    contract, _ = pair.contract()
    text = b"baris teks biasa\n" * 6000  # about 100 kB: kept in memory, written by the storage

    def post(n: int) -> int:
        body, content_type = multipart(
            {"body": f"Draf ke-{n} terlampir."}, {"files": (f"draf-{n}.txt", text)}
        )
        return pair.client.request(
            "POST", f"{API}/contracts/{contract}/messages/", raw=body, content_type=content_type
        ).status

    run.disk.fill()
    full = [post(n) for n in range(5)]
    run.disk.free()
    roomy = [post(n) for n in range(5, 7)]
    outcome.notes.append(f"disk full: {full}; with room again: {roomy}")
    problems = [f"an upload to a full disk answered {s}, not 507" for s in full if s != 507]
    problems += [f"an upload with room again answered {s}, not 201" for s in roomy if s != 201]
    outcome.check("uploads: 507 when full, 201 after", problems)
    private = run.folder / "uploads" / "private"
    outcome.check("nothing half-written", checks.orphan_uploads(private))
    until(outcome.started, seconds)


def row_lock(run: Run, outcome: Outcome, seconds: float, hold: float = 20.0) -> None:
    """Another session holds a due milestone's contract FOR UPDATE for ``hold`` seconds while
    the sweeps run: the sweep passes it, releases the other due milestone meanwhile, and
    releases the locked one once the lock goes — each once."""
    pair = run.pair("lock")
    (locked_contract, locked), (_, other) = pair.submitted(2)
    with closing(side_session(run)) as holder:
        holder.execute(
            "SELECT id FROM projects_contract WHERE id = %s FOR UPDATE", [locked_contract]
        )
        make_due([locked, other])
        held = time.monotonic()
        freed = wait(lambda: released([other]), hold)
        until(held, hold)
        states = milestone_states([locked, other])
        holder.rollback()
    problems = []
    if not freed:
        problems.append(f"the sweep stalled: the unlocked milestone is {states[other]}")
    if states[locked] != "submitted":
        problems.append(f"the locked milestone went {states[locked]} while locked")
    if not wait(lambda: released([locked]), 30):
        problems.append("the locked milestone was not released once the lock went")
    outcome.check("sweeps pass a held row, release it after", problems)
    until(outcome.started, seconds)


def deadlock_accepts(run: Run, outcome: Outcome, seconds: float, rounds: int = 3) -> None:
    """Two clients accept at the same moment on two gigs that share both bidders, crosswise
    (each accept locks its winner and rejects the other bidder): both succeed, each gig gets
    one contract."""
    first, second = run.pair("dla"), run.pair("dlb")
    log_before = len(run.postgres_log())
    problems = []
    for _ in range(rounds):
        gigs = [first.gig(), second.gig()]
        bids = {
            (gig, who.username): owner.bid(gig, who.freelancer, who.username)
            for gig, owner in zip(gigs, (first, second), strict=True)
            for who in (first, second)
        }
        barrier = threading.Barrier(2)
        answers: list[int] = [0, 0]

        def accept(slot: int, owner, bid: int, barrier=barrier, answers=answers) -> None:
            barrier.wait()
            answers[slot] = owner.client.request("POST", f"{API}/bids/{bid}/accept/").status

        threads = [
            threading.Thread(target=accept, args=(0, first, bids[gigs[0], first.username])),
            threading.Thread(target=accept, args=(1, second, bids[gigs[1], second.username])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        problems += [f"a crosswise accept answered {s}" for s in answers if s != 200]
    deadlocks = run.postgres_log()[log_before:].count("deadlock detected")
    outcome.notes.append(f"{rounds} rounds; PostgreSQL reported {deadlocks} deadlock(s)")
    from projects.models import Contract

    Run.db_reset()
    per_gig = Contract.objects.filter(client__username__in=[first.client_name, second.client_name])
    if per_gig.count() != 2 * rounds:
        problems.append(f"{per_gig.count()} contracts for {2 * rounds} gigs")
    outcome.check("both accepts succeed, one contract each", problems)
    until(outcome.started, seconds)


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


HOSTILE = [
    ("GET", "/api/v1/gigs/%00/", None),
    ("GET", "/api/v1/freelancers/sari%00/", None),
    ("GET", "/gigs/%00/", None),
    ("POST", "/api/v1/gigs/", b"[" * 5000 + b"]" * 5000),
    ("PATCH", "/api/v1/me/", b'{"a":' * 5000 + b"1" + b"}" * 5000),
    ("POST", "/api/v1/auth/token/", b'{"username":' * 5000 + b'"x"' + b"}" * 5000),
]


def bad_input(run: Run, outcome: Outcome, seconds: float) -> None:
    """A NUL in a path segment, JSON nested 5 000 deep: a 4xx each, all the while."""
    pair = run.pair("bad")
    answers: list[tuple[str, int]] = []
    while time.monotonic() < outcome.started + seconds:
        for method, path, raw in HOSTILE:
            status = pair.client.request(method, path, raw=raw).status
            answers.append((f"{method} {path.split('%')[0]}", status))
        time.sleep(0.5)
    wrong = sorted({f"{what} answered {s}" for what, s in answers if not 400 <= s < 500})
    outcome.notes.append(f"{len(answers)} hostile requests")
    outcome.check("a 4xx for each", wrong)


def signup_burst(run: Run, outcome: Outcome, seconds: float, clients: int = 8) -> None:
    """Sign-ups without pause from ``clients`` at once while health is probed: health keeps
    answering 200, and never so slowly three times in a row (2 s each) that a load balancer
    would take the node out."""
    from faults.load import register

    stop = threading.Event()
    made = [0]
    failed: list[str] = []

    def sign_up(n: int) -> None:
        for i in range(10_000):
            if stop.is_set():
                return
            try:
                register(run.base, run.recorder, f"burst{n}x{i}", "signups")
                made[0] += 1
            except Exception as exc:
                failed.append(str(exc))

    threads = [threading.Thread(target=sign_up, args=(n,), daemon=True) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    until(outcome.started, seconds)
    stop.set()
    for thread in threads:
        thread.join(60)
    probes = run.prober.between(started + 1, time.monotonic())
    times = sorted(p.seconds for p in probes) or [0.0]
    outcome.notes.append(
        f"{made[0]} sign-ups by {clients} clients; {len(probes)} health probes, "
        f"p95 {times[int(0.95 * (len(times) - 1))] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms, "
        f"{sum(1 for t in times if t > 2.0)} over 2 s"
    )
    problems = checks.slow_probes(probes, 2.0)
    problems += [
        f"health said {p.status} during the burst" for p in probes if not checks.healthy(p)
    ][:3]
    outcome.check("the load balancer keeps the node", problems)
    outcome.check("every sign-up made", failed[:3])


def worker_kill(run: Run, outcome: Outcome, seconds: float) -> None:
    """kill -9 of the worker's whole process group while it is inside a release (blocked on the
    escrow row, held by another session); a replacement started once health names the worker:
    the milestone is released once, its e-mails sent once."""
    pair = run.pair("kill")
    [(_, milestone)] = pair.submitted(1)
    name = next(n for n in run.processes if n.startswith("worker"))
    problems = []
    with closing(side_session(run)) as holder:
        holder.execute(
            "SELECT id FROM payments_account WHERE reference = %s FOR UPDATE",
            [f"escrow:milestone:{milestone}"],
        )
        make_due([milestone])
        # The sweep waits TIMER_LOCK_TIMEOUT_SECONDS for the row and tries again next run.
        inside = wait(lambda: lock_waiters("payments_account") > 0, 30, every=0.02)
        down = time.monotonic()
        run.processes.pop(name).kill()
        holder.rollback()
    if not inside:
        problems.append("the worker never got inside the release")
    if milestone_states([milestone])[milestone] != "submitted":
        problems.append("the killed release left the milestone changed")
    named = run.wait_health_names("worker", 30)
    if named is None:
        outcome.check("health truthful", ["health never named the killed worker"])
    replacement = f"worker-{int(name.split('-')[1]) + 1}"
    run.start_worker(replacement)
    up = time.monotonic()
    if named is not None:
        outcome.check(
            "health truthful", checks.health_during(run.prober.probes, (named, up), {"worker"})
        )
    if not wait(lambda: released([milestone]), 60):
        problems.append(f"not released by the replacement: {milestone_states([milestone])}")
    outcome.notes.append(
        f"killed {name} inside the release; health named it after {((named or up) - down):.1f} s"
    )
    outcome.check("released once after the kill", problems)
    recovered(run, outcome, "the replacement worker started")
    until(outcome.started, seconds)


def two_beats(run: Run, outcome: Outcome, seconds: float) -> None:
    """A second beat scheduler by mistake: every sweep is sent twice, three due milestones are
    each released once."""
    pair = run.pair("beats")
    made = [m for _, m in pair.submitted(3)]
    second = run.start_beat("beat-2")
    problems = []
    time.sleep(3)
    make_due(made)
    if not wait(lambda: released(made), 60):
        problems.append(f"not all released: {milestone_states(made)}")
    time.sleep(4)  # two more rounds of sweeps, sent twice each: nothing more to do
    if "Sending due task sweep-auto-release" not in second.text():
        problems.append("the second scheduler sent no sweep")
    run.processes.pop("beat-2").stop()
    outcome.check("each released once", problems)
    until(outcome.started, seconds)


FAULTS = [
    Fault("baseline", "no fault (the baseline)", baseline, smoke=True),
    Fault(
        "redis",
        "Redis kill -9 under a worker holding unacked messages, back after 6 s",
        redis_outage,
    ),
    Fault("postgres", "PostgreSQL crash (`-m immediate`), back after 6 s", postgres_crash),
    Fault("disk", "uploads' disk full (5 MB tmpfs)", full_disk),
    Fault("row-lock", "a contract row held FOR UPDATE 20 s while sweeps run", row_lock),
    Fault("deadlock", "crosswise accepts on gigs sharing bidders", deadlock_accepts, smoke=True),
    Fault("idempotency", "PostgreSQL crash mid-request with an Idempotency-Key", idempotent_retry),
    Fault("bad-input", "NUL in a path segment, JSON nested 5 000 deep", bad_input, smoke=True),
    Fault("signups", "a burst of sign-ups while health is probed", signup_burst),
    Fault("worker-kill", "worker kill -9 mid-release", worker_kill, smoke=True),
    Fault("two-beats", "two beat schedulers at once", two_beats, smoke=True),
]

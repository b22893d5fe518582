"""The faults, one function each: ``inject(run, outcome, seconds)`` does its harm while the load
runs (for about ``seconds``), undoes it, and records what it alone can see — the health answers
while it lasted, the fate of its own requests and milestones — in ``outcome``. The checks every
phase shares (ledger, duplicates, outbox, 500s) follow in faults/__main__.py.

One module per kind: ``outages`` (Redis, PostgreSQL), ``locks``, ``traffic`` (a full disk,
hostile input, sign-ups), ``processes`` (worker, beat); what they share is in ``common``.
"""

from faults.injections.common import Fault
from faults.injections.locks import deadlock_accepts, row_lock
from faults.injections.outages import baseline, idempotent_retry, postgres_crash, redis_outage
from faults.injections.processes import two_beats, worker_kill
from faults.injections.traffic import bad_input, full_disk, signup_burst

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

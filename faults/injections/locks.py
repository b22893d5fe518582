"""Rows held by someone else: a contract locked while the sweeps run, crosswise accepts."""

from __future__ import annotations

import threading
import time
from contextlib import closing

from faults.injections.common import make_due, milestone_states, released, side_session, until, wait
from faults.load import API
from faults.run import Outcome, Run


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

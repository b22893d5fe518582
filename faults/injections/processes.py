"""The marketplace's own processes misbehaving: a worker killed mid-release, two beat schedulers."""

from __future__ import annotations

import time
from contextlib import closing

from faults import checks
from faults.injections.common import (
    lock_waiters,
    make_due,
    milestone_states,
    recovered,
    released,
    side_session,
    until,
    wait,
)
from faults.run import Outcome, Run


def worker_kill(run: Run, outcome: Outcome, seconds: float) -> None:
    """kill -9 of the worker's whole process group while it is inside a release (blocked on the
    escrow row, held by another session); a replacement started once health names the worker:
    the milestone is released once, its e-mails sent once."""
    pair = run.pair("kill")
    [(_, milestone)] = pair.submitted(1)
    # The killed worker's prefetched e-mail tasks are gone with it: the outbox sweep sends
    # their e-mails once they are a minute old (accounts.tasks.deliver_pending_emails).
    outcome.settle_seconds = 100.0
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
    # The milestones fall due once both schedulers send the sweeps (a second one starting on a
    # busy machine takes a while), so each release meets two of them.
    if not wait(lambda: "Sending due task sweep-auto-release" in second.text(), 30):
        problems.append("the second scheduler sent no sweep")
    make_due(made)
    if not wait(lambda: released(made), 60):
        problems.append(f"not all released: {milestone_states(made)}")
    time.sleep(4)  # two more rounds of sweeps, sent twice each: nothing more to do
    run.processes.pop("beat-2").stop()
    outcome.check("each released once", problems)
    until(outcome.started, seconds)

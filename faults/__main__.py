"""``python -m faults`` (``make faults``; ``--smoke``: ``make faults-smoke``, CI): Garap under
what production does to it, repeatably.

1. Starts a Redis and a PostgreSQL cluster of its own on spare ports (never the shared 6379 and
   5432), a 5 MB tmpfs for uploads, and Garap on them with production settings: gunicorn, a
   Celery worker and beat (faults/stack.py).
2. Runs a bounded load — pairs of API users going round the marketplace loop, the sandbox
   top-up through the worker's webhook included (faults/load.py) — and probes health all along.
3. Phase by phase: the load with no fault (the baseline), then each fault (faults/injections/)
   under the same load; after each, the checks of faults/checks.py: ``manage.py ledger_audit``,
   no milestone released twice, no notice or e-mail twice, the outbox drained and no deposit
   left pending, no 500 (an outage is a 503 with Retry-After), health truthful during and after.
4. Writes the table (faults/report.py) to var/faults/report.md and docs/faults.md
   (``--smoke``: var/faults/smoke.md). Exit status 1 when any check fails.

Everything it started is stopped at the end, on failure and on Ctrl-C too.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from faults import stack
from faults.report import render
from faults.run import Outcome, Run

ROOT = Path(__file__).resolve().parent.parent
FULL: dict[str, float] = {"users": 4, "seconds": 20.0, "drain": 240.0}
SMOKE: dict[str, float] = {"users": 2, "seconds": 6.0, "drain": 120.0}


def log(message: str) -> None:
    print(f"faults: {message}", flush=True)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m faults", description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a few faults, a small load (CI)")
    parser.add_argument("--only", help="comma-separated fault names (baseline always runs)")
    parser.add_argument("--users", type=int, help="pairs of users in the load")
    parser.add_argument("--seconds", type=float, help="seconds of load per phase")
    return parser.parse_args()


def phase(run: Run, fault, seconds: float, drain: float) -> Outcome:
    from faults import checks

    outcome = Outcome(fault.name, fault.title)
    offset = run.gunicorn_log_size()
    log(f"phase {fault.name}: {fault.title}")
    outcome.started = time.monotonic()
    run.load.start(fault.name)
    try:
        fault.inject(run, outcome, seconds)
    except Exception as exc:  # a fault that could not be done is a failed phase, not a crash
        outcome.check("the fault ran", [f"{type(exc).__name__}: {exc}"])
    finished = run.load.stop(drain)
    outcome.ended = time.monotonic()
    if not finished:
        outcome.check("loops finished", [f"loops still running {drain:.0f} s after the phase"])
    failed = run.totals.loops_failed.get(fault.name, [])
    outcome.check(
        "loops finished", [f"{len(failed)} loop(s) failed: {failed[:2]}"] if failed else []
    )
    settled = run.settle(100.0 if outcome.outages else outcome.settle_seconds)
    outcome.check("outbox drained", settled["outbox"][:5])
    outcome.check("no deposit pending", settled["deposits"][:5])
    outcome.check("ledger_audit", run.ledger_audit())
    outcome.check("no double release", checks.double_releases())
    outcome.check("no duplicate notice", checks.duplicate_notices())
    outcome.check("no duplicate e-mail", checks.duplicate_emails(run.folder / "mail"))
    copies = checks.resent_copies(run.folder / "mail")
    if copies:
        outcome.notes.append(
            f"{copies} e-mail(s) so far sent again across a crash with the same Message-ID"
            " (one message to mail systems)"
        )
    outcome.check(
        "no 500",
        checks.server_errors(run.gunicorn_log_from(offset))
        + checks.bad_answers(run.recorder.of(fault.name), outcome.outages, grace=5.0),
    )
    if outcome.outages or outcome.healthy_since:
        if outcome.healthy_since:
            outcome.check(
                "health truthful", checks.health_after(run.prober.probes, outcome.healthy_since)
            )
    else:
        probes = run.prober.between(outcome.started, outcome.ended)
        outcome.check(
            "health truthful",
            [
                f"health said {p.status} {(p.body or {}).get('problems')}"
                for p in probes
                if not checks.healthy(p)
            ][:3],
        )
    outcome.check("processes alive", run.alive())
    keep_records(run, outcome)
    verdict = (
        "skipped: " + outcome.skipped
        if outcome.skipped
        else ("survived" if outcome.survived else "FAILED")
    )
    log(f"phase {fault.name}: {verdict} ({outcome.ended - outcome.started:.0f} s)")
    for name, problems in outcome.problems.items():
        for problem in problems:
            log(f"  {name}: {problem}")
    return outcome


def keep_records(run: Run, outcome: Outcome) -> None:
    """The phase's requests and probes, in seconds from its start, beside the servers' logs."""
    t0 = outcome.started
    lines = [f"# outages: {[(round(a - t0, 2), round(b - t0, 2)) for a, b in outcome.outages]}"]
    lines += [
        f"{r.started - t0:.2f}\t{r.seconds:.3f}\t{r.status}\t{r.label}\t{r.method} {r.path}"
        for r in run.recorder.of(outcome.name)
    ]
    lines += [
        f"{p.started - t0:.2f}\t{p.seconds:.3f}\t{p.status}\thealth\t{problems}"
        for p in run.prober.between(t0, outcome.ended)
        for problems in [(p.body or {}).get("problems")]
    ]
    (run.folder / f"requests-{outcome.name}.tsv").write_text("\n".join(lines) + "\n")


def main() -> int:
    args = parse()
    preset = SMOKE if args.smoke else FULL
    seconds = args.seconds or preset["seconds"]
    reason = stack.unavailable()
    if reason:
        log(f"cannot run here: {reason}")
        return 1
    out = ROOT / "var" / "faults"
    run = Run(out / "run", users=int(args.users or preset["users"]), log=log)

    def interrupted(signum, frame):  # Ctrl-C or SIGTERM: stop everything on the way out
        raise KeyboardInterrupt

    # SIGINT too: a shell that starts the run in the background ignores Ctrl-C for it, and
    # Python then leaves SIGINT ignored.
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    started = time.monotonic()
    outcomes: list[Outcome] = []
    try:
        run.start()
        log(f"up in {time.monotonic() - started:.0f} s; {run.users} pairs of users")
        # The faults read the database through Django, set up by run.start().
        from faults.injections import FAULTS

        chosen = [f for f in FAULTS if f.smoke or not args.smoke]
        if args.only:
            names = {"baseline", *args.only.split(",")}
            chosen = [f for f in FAULTS if f.name in names]
        run.make_load()
        for fault in chosen:
            outcomes.append(phase(run, fault, seconds, preset["drain"]))
    except KeyboardInterrupt:
        log("interrupted: stopping everything")
        return 130
    finally:
        run.close()
    minutes = (time.monotonic() - started) / 60
    text = render(
        outcomes,
        records=run.recorder.records,
        loops=run.totals,
        smoke=args.smoke,
        setup=(
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {run.users} pairs of API users, "
            f"{seconds:g} s of load per phase; {minutes:.1f} minutes in all"
        ),
    )
    out.mkdir(parents=True, exist_ok=True)
    target = out / ("smoke.md" if args.smoke else "report.md")
    target.write_text(text)
    if not args.smoke and not args.only:
        (ROOT / "docs" / "faults.md").write_text(text)
    print(text)
    log(f"written to {target}; {minutes:.1f} minutes")
    return 0 if all(o.survived or o.skipped for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())

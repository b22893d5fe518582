"""The fault run's table: the load each phase held, whether each fault was survived and by
which checks, the answers by status, and the load's latency against the fault-free baseline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from faults.http import Record
from faults.load import Totals
from faults.run import Outcome

# The checks every phase ends with, in the table's order; any other is the fault's own.
COMMON = {
    "ledger_audit": "ledger audit",
    "no double release": "double release",
    "no duplicate notice": "notice twice",
    "no duplicate e-mail": "e-mail twice",
    "outbox drained": "outbox drained",
    "no deposit pending": "deposits settled",
    "no 500": "no 500",
    "health truthful": "health truthful",
    "loops finished": "loops finished",
    "processes alive": "processes alive",
}


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0.0


def latencies(records: list[Record], phase: str) -> list[float]:
    return [r.seconds for r in records if r.phase == phase and r.label == "load" and r.status]


def mark(outcome: Outcome, name: str) -> str:
    if name not in outcome.problems:
        return "–"
    return "FAIL" if outcome.problems[name] else "ok"


def render(
    outcomes: list[Outcome], *, records: list[Record], loops: Totals, smoke: bool, setup: str
) -> str:
    lines = [
        f"# Garap under faults{' (smoke run)' if smoke else ''}",
        "",
        f"`make {'faults-smoke' if smoke else 'faults'}` on {setup}. Own Redis and PostgreSQL "
        "cluster on spare ports, gunicorn (production settings, the sandbox gateway switched on "
        "for staging), a Celery worker and beat; how it works: "
        "[faults/\\_\\_main\\_\\_.py](../faults/__main__.py). Reproduce with `make faults` "
        "(about 10 minutes, needs root for the tmpfs and the postgres user) or "
        "`make faults-smoke` (a few faults, about 2 minutes; CI runs it).",
        "",
        "| phase | fault | load held: requests / loops done / failed | survived "
        "| answers by status | p50 / p95 / p99 ÷ baseline |",
        "| --- | --- | ---: | --- | --- | ---: |",
    ]
    base = latencies(records, "baseline")
    base_p = [percentile(base, q) for q in (0.5, 0.95, 0.99)]
    for o in outcomes:
        mine = [r for r in records if r.phase == o.name]
        load = [r for r in mine if r.label == "load"]
        statuses = Counter(r.status for r in mine)
        shown = ", ".join(f"{s or 'none'}: {n}" for s, n in sorted(statuses.items()))
        times = latencies(records, o.name)
        if times and all(base_p):
            ratio = " / ".join(
                f"{percentile(times, q) / b:.2f}×"
                for q, b in zip((0.5, 0.95, 0.99), base_p, strict=True)
            )
        else:
            ratio = "–"
        if o.name == "baseline" and base:
            ratio = " / ".join(f"{b * 1000:.0f} ms" for b in base_p)
        verdict = f"skipped ({o.skipped})" if o.skipped else ("yes" if o.survived else "**NO**")
        lines.append(
            f"| {o.name} | {o.title} | {len(load)} / {loops.loops_done.get(o.name, 0)} / "
            f"{len(loops.loops_failed.get(o.name, []))} | {verdict} | {shown} | {ratio} |"
        )
    lines += [
        "",
        "The baseline's row gives its own p50 / p95 / p99 in milliseconds. Latency covers the "
        "load's requests that were answered (a wallet poll waiting for a webhook included). "
        "On a machine whose cores are shared with other work the ratios move by up to 2× "
        "between runs (below 1×: the baseline met a busier moment); read them for large "
        "shifts only, and the statuses and checks for what survived.",
        "",
        "Checks after each phase (ok, FAIL, – not applicable):",
        "",
        "| phase | " + " | ".join(COMMON.values()) + " | the fault's own |",
        "| --- | " + " | ".join("---" for _ in COMMON) + " | --- |",
    ]
    for o in outcomes:
        own = [name for name in o.problems if name not in COMMON]
        own_cell = "; ".join(f"{name}: {'FAIL' if o.problems[name] else 'ok'}" for name in own)
        lines.append(
            f"| {o.name} | "
            + " | ".join(mark(o, name) for name in COMMON)
            + f" | {own_cell or '–'} |"
        )
    lines += ["", "What each phase saw:", ""]
    for o in outcomes:
        notes = "; ".join(o.notes) or "–"
        lines.append(f"- **{o.name}**: {notes}")
        for name, problems in o.problems.items():
            for problem in problems:
                lines.append(f"  - FAIL {name}: {problem}")
    return "\n".join(lines) + "\n"

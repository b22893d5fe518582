"""``python -m bench`` (``make bench``): issue #9's goals, measured on PostgreSQL.

1. Builds or reuses three data sets (``bench/datasets.py``): small, medium and large — 1 000,
   100 000 and 1 000 000 gigs (``--smoke``: 1 000, 2 000 and 4 000, for CI).
2. Starts gunicorn on each (production settings, ``bench/settings.py``) and an in-process
   probe on the small and large ones (``bench/probe.py``).
3. Counts the queries of the listed requests on the small and large data sets.
4. Runs ``--runs`` runs of ``--rounds`` rounds; a round takes every measurement once
   (``bench/measure.py``), so each ratio's two sides are measured in the same rounds. A run's
   ratio is the median over its rounds of one side ÷ that of the other.
5. Prints the table — every run's ratio, the threshold, and pass when at least two runs of
   three pass — and writes it to ``--out`` (``docs/benchmark.md``), with the raw figures as
   JSON beside it under ``var/bench/``.

Exit status 1 when a goal fails (``--smoke``: only the query counts are held to their bounds;
a few seconds on tiny data sets say nothing about timings, the smoke run proves the machinery).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import django
import psycopg

from bench.datasets import ROOT, django_env, ensure_dataset
from bench.goals import GOALS, query_rows
from bench.http import require_wrk, start_server
from bench.measure import Plan, Probe, Sides, measurements, run_round

FULL = {"sizes": (1_000, 100_000, 1_000_000), "plan": Plan(5, 2, 40, 1), "rounds": 3, "runs": 3}
SMOKE = {"sizes": (1_000, 2_000, 4_000), "plan": Plan(1, 2, 8, 1), "rounds": 2, "runs": 1}


def log(message: str) -> None:
    print(message, flush=True)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny data sets, one short round")
    parser.add_argument("--runs", type=int, help="default 3 (a goal passes in 2 of 3); smoke 1")
    parser.add_argument("--rounds", type=int, help="rounds per run (default 3; smoke 1)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server (its database name is replaced by each data set's)",
    )
    parser.add_argument("--rebuild", action="store_true", help="build the data sets again")
    parser.add_argument("--out", type=Path, help="the table (default docs/benchmark.md)")
    return parser.parse_args()


def collect_static(url: str) -> None:
    subprocess.run(  # noqa: S603 - our interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "--verbosity=0"],
        env=django_env(url),
        cwd=ROOT,
        check=True,
    )


def machine(url: str) -> str:
    with psycopg.connect(url) as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"PostgreSQL {server.split()[0]}"
    )


def human(gigs: int) -> str:
    return f"{gigs // 1_000_000}M" if gigs >= 1_000_000 else f"{gigs // 1_000}k"


def main() -> int:
    args = parse()
    # Django for the generator's version and the settings the servers share; no query is made.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ["DATABASE_URL"] = args.database_url
    django.setup()
    preset = SMOKE if args.smoke else FULL
    plan: Plan = preset["plan"]
    rounds = args.rounds or preset["rounds"]
    args.runs = args.runs or preset["runs"]
    out = args.out or (
        ROOT / "var" / "bench" / "smoke.md" if args.smoke else ROOT / "docs" / "benchmark.md"
    )
    require_wrk()
    started = time.monotonic()
    log("Data sets:")
    small, medium, large = (
        ensure_dataset(
            gigs=gigs,
            seed=1,
            base_url=args.database_url,
            max_age=timedelta(hours=20),
            rebuild=args.rebuild,
            log=log,
        )
        for gigs in preset["sizes"]
    )
    names = {"small": human(small.gigs), "medium": human(medium.gigs), "large": human(large.gigs)}
    collect_static(small.url)
    logs = ROOT / "var" / "bench" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    sides = Sides(small, medium, large)
    try:
        for port, (side, dataset) in enumerate(
            (("small", small), ("medium", medium), ("large", large)), start=8901
        ):
            sides.servers[side] = start_server(dataset.url, port, 2, logs / f"gunicorn-{side}.log")
        for side, dataset in (("small", small), ("large", large)):
            sides.probes[side] = Probe(dataset, logs / f"probe-{side}.log")
        log("Queries per request:")
        queries = {side: sides.probes[side].ask("queries") for side in ("small", "large")}
        taken = measurements(sides, plan)
        for measure in taken.values():  # one unrecorded pass: servers, probes and caches warm
            measure()
        runs: list[dict[str, list[float]]] = []
        for run in range(args.runs):
            log(f"Run {run + 1} of {args.runs}:")
            figures: dict[str, list[float]] = {}
            for index in range(rounds):
                for name, value in run_round(taken, index + run * rounds, log).items():
                    figures.setdefault(name, []).append(value)
            runs.append(figures)
    finally:
        for probe in sides.probes.values():
            probe.close()
        for server in sides.servers.values():
            server.stop()
    minutes = (time.monotonic() - started) / 60
    setup = (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine(args.database_url)}; data sets of "
        f"{names['small']}, {names['medium']} and {names['large']} gigs; {args.runs} runs of "
        f"{rounds} rounds (HTTP: wrk, {plan.connections} connections, {plan.http_seconds:g} s "
        f"per measurement, gunicorn with 2 workers; in process: {plan.calls} calls per "
        f"measurement and round); {minutes:.0f} minutes in all"
    )
    report = render(smoke=args.smoke, setup=setup, names=names, queries=queries, runs=runs)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.text)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    raw = ROOT / "var" / "bench" / f"{'smoke' if args.smoke else 'full'}-{stamp}.json"
    raw.write_text(json.dumps({"names": names, "queries": queries, "runs": runs}, indent=1))
    print(report.text)
    log(f"Written to {out} (raw figures: {raw})")
    if report.query_failures:
        return 1
    return 1 if report.goal_failures and not args.smoke else 0


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.goal_failures = 0
        self.query_failures = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def render(
    *,
    smoke: bool,
    setup: str,
    names: dict[str, str],
    queries: dict[str, dict],
    runs: list[dict[str, list[float]]],
) -> Report:
    """The table: every goal's ratio per run and its verdict (it passes when more than half
    the runs pass), then the query counts and the figures behind the last run's ratios."""
    report = Report()
    add = report.lines.append
    add(f"# Garap {'smoke run' if smoke else 'benchmark'}: issue #9's goals")
    add("")
    add(
        f"`{'make bench-smoke' if smoke else 'make bench'}` on {setup}. How it measures: "
        "[bench/__main__.py](../bench/__main__.py)."
    )
    add("")
    heads = " | ".join(f"run {n + 1}" for n in range(len(runs)))
    add(f"| goal | {heads} | threshold | result |")
    add("| --- | " + " | ".join("---:" for _ in runs) + " | --- | --- |")
    needed = len(runs) // 2 + 1
    for goal in GOALS:
        ratios = [goal.ratio(figures) for figures in runs]
        passed = sum(goal.passes(r) for r in ratios)
        verdict = "pass" if passed >= needed else "FAIL"
        if verdict == "FAIL":
            report.goal_failures += 1
        cells = " | ".join(f"{r:.3f}×" if r < 0.1 else f"{r:.2f}×" for r in ratios)
        add(
            f"| {goal.label.format(**names)} | {cells} | {goal.threshold} | "
            f"{verdict} ({passed} of {len(runs)}) |"
        )
    add("")
    add(f"Queries per request ({names['small']} and {names['large']} gigs):")
    add("")
    add(f"| request | {names['small']} | {names['large']} | bound | result |")
    add("| --- | ---: | ---: | --- | --- |")
    for name, low, high, bound, ok in query_rows(
        queries["small"]["counts"], queries["large"]["counts"]
    ):
        if not ok:
            report.query_failures += 1
        add(f"| {name} | {low} | {high} | {bound} | {'pass' if ok else 'FAIL'} |")
    add("")
    add("Medians of the figures behind the ratios, last run (ms; requests/s for rps):")
    add("")
    last = runs[-1]
    for name in sorted(last):
        values = sorted(last[name])
        middle = values[len(values) // 2]
        shown = f"{middle:,.0f}" if "rps" in name else f"{middle * 1000:.2f}"
        add(f"- {name}: {shown}")
    return report


if __name__ == "__main__":
    sys.exit(main())

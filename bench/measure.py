"""What one round measures, and the round itself.

A round takes every measurement once, in an order rotated from round to round so none is
always first; the two sides of every ratio are taken in the same round, seconds apart.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.datasets import ROOT, Dataset, django_env
from bench.http import Server, load

# The benchmark's search words, by how many gigs hold them (projects/generate/words.py).
SEARCH_WORDS = {
    "rare": ["andaliman", "tengkuluk", "sasirangan"],
    "medium": ["rendang", "jamu", "kebaya"],
    "common": ["promosi", "instagram", "jakarta"],
}


class ProbeError(Exception):
    pass


class Probe:
    """An in-process probe (bench/probe.py) on one data set, spoken to line by line."""

    def __init__(self, dataset: Dataset, log_path: Path) -> None:
        self.dataset = dataset
        self._log = log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.probe"],
            env=django_env(dataset.url),
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )

    def ask(self, op: str, **arguments: object) -> dict:
        stdin, stdout = self.process.stdin, self.process.stdout  # both pipes, from Popen
        stdin.write(json.dumps({"op": op, **arguments}) + "\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise ProbeError(f"the probe on {self.dataset.name} died; see {self._log.name}")
        answer = json.loads(line)
        if "error" in answer:
            raise ProbeError(f"{self.dataset.name}: {answer['error']}")
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


@dataclass
class Plan:
    """How long each measurement runs: the full benchmark, or the smoke run."""

    http_seconds: float
    connections: int
    calls: int  # in-process calls per measurement and round
    nightly_calls: int


@dataclass
class Sides:
    """The data sets and their servers and probes: small (1k), medium (100k), large (1M)."""

    small: Dataset
    medium: Dataset
    large: Dataset
    servers: dict[str, Server] = field(default_factory=dict)
    probes: dict[str, Probe] = field(default_factory=dict)


def measurements(sides: Sides, plan: Plan) -> dict[str, Callable[[], float]]:
    """Every measurement of a round, by name: each returns one figure (seconds, or requests
    per second for the ``rps`` ones)."""

    def http(side: str, paths: list[str], figure: str) -> Callable[[], float]:
        def run() -> float:
            result = load(
                sides.servers[side].url,
                paths,
                seconds=plan.http_seconds,
                connections=plan.connections,
            )
            return getattr(result, figure)

        return run

    def inproc(side: str, op: str, figure: Callable[[list[float]], float], **kw) -> Callable:
        def run() -> float:
            return figure(sides.probes[side].ask(op, **kw)["seconds"])

        return run

    median = statistics.median
    taken: dict[str, Callable[[], float]] = {}
    # The gig list over HTTP: both sizes, a bigger page, and the hello-world floor.
    taken["list p95 small"] = http("small", ["/api/v1/gigs/"], "p95")
    taken["list p95 large"] = http("large", ["/api/v1/gigs/"], "p95")
    taken["list 100 p95 large"] = http("large", ["/api/v1/gigs/?page_size=100"], "p95")
    taken["list rps large"] = http("large", ["/api/v1/gigs/"], "rps")
    taken["hello rps large"] = http("large", ["/bench/hello/"], "rps")
    taken["freelancers p95 small"] = http("small", ["/api/v1/freelancers/"], "p95")
    taken["freelancers p95 large"] = http("large", ["/api/v1/freelancers/"], "p95")
    for kind, words in SEARCH_WORDS.items():
        paths = [f"/api/v1/gigs/?search={word}" for word in words]
        taken[f"search {kind} p95 medium"] = http("medium", paths, "p95")
        taken[f"search {kind} p95 large"] = http("large", paths, "p95")
    # In process, on the probes.
    taken["list view large"] = inproc("large", "list_view", median, n=plan.calls)
    taken["raw fetch large"] = inproc("large", "raw_fetch", median, n=plan.calls)
    for side in ("small", "large"):
        taken[f"bid placement p95 {side}"] = inproc(side, "bid_place", p95, n=plan.calls)
        taken[f"milestone release p95 {side}"] = inproc(side, "release", p95, n=plan.calls)
    taken["sweep indexed large"] = inproc("large", "sweep", median, n=plan.calls)
    taken["sweep seq scan large"] = inproc(
        "large", "sweep", median, n=max(3, plan.calls // 5), force_seq_scan=True
    )
    taken["nightly large"] = inproc("large", "nightly", median, n=plan.nightly_calls)
    taken["nightly bare large"] = inproc("large", "nightly_bare", median, n=plan.nightly_calls)
    return taken


def run_round(
    taken: dict[str, Callable[[], float]], index: int, log: Callable[[str], None]
) -> dict[str, float]:
    names = list(taken)
    start = (index * 7) % len(names)
    figures: dict[str, float] = {}
    for name in names[start:] + names[:start]:
        figures[name] = taken[name]()
    log(f"    round {index + 1}: {len(figures)} measurements")
    return figures

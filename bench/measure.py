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

from bench import answers
from bench.datasets import ROOT, Dataset, django_env
from bench.http import Server, load

# The benchmark's search words, by how many gigs hold them (projects/sample_data/generate/words.py).
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
    if len(values) < 2:
        return values[0]
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


Measurement = Callable[[], dict[str, float]]


def measurements(sides: Sides, plan: Plan) -> dict[str, Measurement]:
    """Every measurement of a round, by name. Each returns its figures by name: seconds, or
    requests per second for the ``rps`` ones; one wrk run gives a path's p50, p95 and rps."""

    def http(
        side: str, paths: list[str], name: str, searched: dict[str, str] | None = None
    ) -> Measurement:
        """``searched``: the word each search path looks for, which every result must hold."""
        unchecked = [path for path in paths if path.startswith("/api/v1/")]

        def run() -> dict[str, float]:
            while unchecked:  # the first time only: is this the question we mean to time?
                path = unchecked.pop()
                answers.check(sides.servers[side].url, path, word=(searched or {}).get(path))
            result = load(
                sides.servers[side].url,
                paths,
                seconds=plan.http_seconds,
                connections=plan.connections,
            )
            return {
                f"{name} p50 {side}": result.p50,
                f"{name} p95 {side}": result.p95,
                f"{name} rps {side}": result.rps,
            }

        return run

    def inproc(side: str, op: str, name: str, **kw: object) -> Measurement:
        def run() -> dict[str, float]:
            seconds = sides.probes[side].ask(op, **kw)["seconds"]
            return {
                f"{name} {side}": statistics.median(seconds),
                f"{name} p95 {side}": p95(seconds),
            }

        return run

    taken: dict[str, Measurement] = {}
    # The gig list over HTTP: both sizes, a bigger page, and the hello-world floor.
    taken["list small"] = http("small", ["/api/v1/gigs/"], "list")
    taken["list large"] = http("large", ["/api/v1/gigs/"], "list")
    taken["list 100 large"] = http("large", ["/api/v1/gigs/?page_size=100"], "list 100")
    taken["hello large"] = http("large", ["/bench/hello/"], "hello")
    taken["freelancers small"] = http("small", ["/api/v1/freelancers/"], "freelancers")
    taken["freelancers large"] = http("large", ["/api/v1/freelancers/"], "freelancers")
    for kind, words in SEARCH_WORDS.items():
        searched = {f"/api/v1/gigs/?q={word}": word for word in words}
        for side in ("medium", "large"):
            taken[f"search {kind} {side}"] = http(side, list(searched), f"search {kind}", searched)
    # In process, on the probes.
    taken["list view large"] = inproc("large", "list_view", "list view", n=plan.calls)
    taken["raw fetch large"] = inproc("large", "raw_fetch", "raw fetch", n=plan.calls)
    for side in ("small", "large"):
        taken[f"bid placement {side}"] = inproc(side, "bid_place", "bid placement", n=plan.calls)
        taken[f"milestone release {side}"] = inproc(
            side, "release", "milestone release", n=plan.calls
        )
    taken["sweep indexed large"] = inproc("large", "sweep", "sweep indexed", n=plan.calls)
    taken["sweep seq scan large"] = inproc(
        "large", "sweep", "sweep seq scan", n=max(3, plan.calls // 5), force_seq_scan=True
    )
    taken["nightly large"] = inproc("large", "nightly", "nightly", n=plan.nightly_calls)
    taken["nightly bare large"] = inproc(
        "large", "nightly_bare", "nightly bare", n=plan.nightly_calls
    )
    return taken


def run_round(
    taken: dict[str, Measurement], index: int, log: Callable[[str], None]
) -> dict[str, float]:
    names = list(taken)
    start = (index * 7) % len(names)
    figures: dict[str, float] = {}
    for name in names[start:] + names[:start]:
        figures.update(taken[name]())
    log(f"    round {index + 1}: {len(names)} measurements")
    return figures

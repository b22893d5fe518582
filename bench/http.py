"""HTTP measurements: gunicorn serving a data set on loopback, wrk loading it.

wrk reports its latency distribution through ``report.lua`` (p50, p95, p99 and requests per
second as one JSON line). A run with a failed or non-2xx response is an error, not a number.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.datasets import ROOT, django_env

REPORT = Path(__file__).with_name("report.lua")


class HttpError(Exception):
    pass


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if not wrk:
        raise HttpError("wrk is not installed: apt-get install -y wrk")
    return wrk


@dataclass
class Server:
    url: str
    process: subprocess.Popen

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_server(database_url: str, port: int, workers: int, log_path: Path) -> Server:
    """gunicorn as production runs it (its config, bench.settings) on one data set."""
    log = log_path.open("w")
    process = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "marketplace.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            # The config's threads would turn sync workers into gthread ones: the benchmark's
            # figures are for one request at a time per process.
            "--threads=1",
            f"--config={ROOT / 'marketplace' / 'gunicorn_conf.py'}",
            "--log-level=warning",
        ],
        env=django_env(database_url),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        if process.poll() is not None:
            raise HttpError(f"gunicorn on {port} exited; see {log_path}")
        try:
            with urllib.request.urlopen(f"{url}/bench/hello/", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return Server(url, process)
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise HttpError(f"gunicorn on {port} did not answer; see {log_path}")


@dataclass(frozen=True)
class Load:
    p50: float  # seconds
    p95: float
    p99: float
    rps: float
    requests: int


def load(url: str, paths: list[str], *, seconds: float, connections: int) -> Load:
    """wrk against ``paths`` (taken in turn, one per request) for ``seconds``."""
    wrk = require_wrk()
    completed = subprocess.run(  # noqa: S603 - wrk from PATH, fixed arguments
        [
            wrk,
            "--threads=1",
            f"--connections={connections}",
            f"--duration={max(1, round(seconds))}s",
            "--timeout=10s",
            f"--script={REPORT}",
            url,
            "--",
            *paths,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    report = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not report:
        raise HttpError(f"wrk failed on {url}{paths[0]}: {completed.stdout}{completed.stderr}")
    figures = json.loads(report[-1])
    if figures["errors"] or figures["non2xx"]:
        raise HttpError(
            f"{url}{paths[0]}: {figures['non2xx']} non-2xx answers and {figures['errors']} "
            "socket errors — the measurement is void"
        )
    return Load(
        p50=figures["p50"] / 1e6,
        p95=figures["p95"] / 1e6,
        p99=figures["p99"] / 1e6,
        rps=figures["requests"] / (figures["duration"] / 1e6),
        requests=figures["requests"],
    )

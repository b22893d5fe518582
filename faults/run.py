"""One fault run: its servers (faults/stack.py), the load's users, the health prober, and the
checks every phase ends with."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from faults import stack
from faults.http import Client, Recorder
from faults.load import Load, Pair, Totals


@dataclass
class Probe:
    started: float
    seconds: float
    status: int
    body: dict | None


class Prober:
    """``GET /api/v1/health/`` every ``every`` seconds, all run long, as a load balancer does."""

    def __init__(self, base: str, every: float = 0.5) -> None:
        self.client = Client(base, None, timeout=10)
        self.every = every
        self.probes: list[Probe] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            answer = self.client.request("GET", "/api/v1/health/")
            body = answer.json() if answer.status else None
            self.probes.append(
                Probe(
                    started,
                    time.monotonic() - started,
                    answer.status,
                    body if isinstance(body, dict) else None,
                )
            )
            self.stopping.wait(max(0.0, self.every - (time.monotonic() - started)))

    def between(self, start: float, end: float) -> list[Probe]:
        return [p for p in list(self.probes) if start <= p.started <= end]

    def latest(self) -> Probe | None:
        return self.probes[-1] if self.probes else None


@dataclass
class Outcome:
    """What one phase found: problems per check, notes for the report, outage windows."""

    name: str
    title: str
    problems: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    outages: list[tuple[float, float]] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    skipped: str = ""
    healthy_since: float | None = None
    # How long the phase's work may take to settle once the load stops: longer after a fault
    # that loses tasks, whose e-mails the outbox sweep sends once they are a minute old.
    settle_seconds: float = 30.0

    def check(self, name: str, problems: list[str]) -> None:
        self.problems.setdefault(name, []).extend(problems)

    @property
    def survived(self) -> bool:
        return not self.skipped and not any(self.problems.values())


class Run:
    def __init__(self, folder: Path, *, users: int, log) -> None:
        self.folder = folder
        self.users = users
        self.log = log
        self.exit = ExitStack()
        self.processes: dict[str, stack.Process] = {}
        self.recorder = Recorder()
        self.totals = Totals()

    # --- servers -------------------------------------------------------------------------

    def start(self) -> None:
        if self.folder.exists():
            shutil.rmtree(self.folder)
        (self.folder / "mail").mkdir(parents=True)
        (self.folder / "var").mkdir()
        self.redis = stack.Redis(self.folder, stack.port_from("FAULTS_REDIS_PORT"))
        self.exit.callback(self.redis.stop)
        self.redis.start()
        self.postgres = stack.Postgres(stack.port_from("FAULTS_POSTGRES_PORT"))
        self.exit.callback(self.postgres.remove)
        self.postgres.start()
        self.postgres.create()
        self.disk = stack.SmallDisk(self.folder / "uploads")
        self.exit.callback(self.disk.unmount)
        self.web_port = stack.port_from("FAULTS_WEB_PORT")
        self.base = f"http://127.0.0.1:{self.web_port}"
        self.env = stack.environment(
            self.folder, redis=self.redis, postgres=self.postgres, web_port=self.web_port
        )
        self.log(
            f"servers: Redis :{self.redis.port}, PostgreSQL :{self.postgres.port}, "
            f"web :{self.web_port}, uploads on {'a 5 MB tmpfs' if self.disk.mounted else 'disk'}"
        )
        # Side by side: collecting the static files needs no database.
        commands = [("migrate", "--noinput", "-v", "0"), ("collectstatic", "--noinput", "-v", "0")]
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(lambda args: stack.manage(self.env, *args), commands))
        for args, done in zip(commands, results, strict=True):
            if done.returncode:
                raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}{done.stderr}")
        self.setup_django()
        self.exit.callback(self.stop_processes)
        self.processes["gunicorn"] = stack.gunicorn(
            self.env, self.web_port, self.folder / "gunicorn.log"
        )
        self.start_worker("worker-1")
        self.start_beat("beat-1")
        self.prober = Prober(self.base)
        self.prober.thread.start()
        self.exit.callback(self.prober.stopping.set)
        self.wait_healthy(90)

    def setup_django(self) -> None:
        """This process reads and prepares the run's database through Django, as the servers
        do (the same settings)."""
        os.environ.update(self.env)
        import django

        django.setup()
        from accounts.models import Category

        self.category = Category.objects.create(
            slug="desain-grafis",
            name_id="Desain grafis",
            name_en="Graphic design",
            min_price=50_000,
        ).pk

    def start_worker(self, name: str) -> stack.Process:
        self.processes[name] = stack.celery_worker(self.env, name, self.folder)
        return self.processes[name]

    def start_beat(self, name: str) -> stack.Process:
        self.processes[name] = stack.celery_beat(self.env, name, self.folder)
        return self.processes[name]

    def stop_processes(self) -> None:
        for process in self.processes.values():
            process.stop()

    def close(self) -> None:
        self.exit.close()

    # --- the load --------------------------------------------------------------------------

    def make_load(self) -> Load:
        self.load = Load(
            [self.pair("load", i) for i in range(self.users)], self.recorder, self.totals
        )
        return self.load

    def pair(self, tag: str, index: int = 0) -> Pair:
        """A client and a freelancer, registered through the API."""
        return Pair(self.base, self.recorder, index, self.category, tag)

    def client(self) -> Client:
        return Client(self.base, self.recorder)

    # --- waiting ---------------------------------------------------------------------------

    def wait_healthy(self, timeout: float) -> float | None:
        """Until health answers 200 ``ok``; when it did (monotonic), or None."""
        from faults import checks

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            probe = self.prober.latest()
            if probe is not None and checks.healthy(probe) and probe.started > deadline - timeout:
                return probe.started
            time.sleep(0.2)
        return None

    def wait_health_names(self, part: str, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        since = time.monotonic()
        while time.monotonic() < deadline:
            for probe in self.prober.between(since, time.monotonic()):
                if part in (probe.body or {}).get("problems", []):
                    return probe.started
            time.sleep(0.2)
        return None

    @staticmethod
    def db_reset() -> None:
        """Drop this process's connections: after a crash they are dead."""
        from django.db import connections

        connections.close_all()

    def ledger_audit(self) -> list[str]:
        done = stack.manage(self.env, "ledger_audit", timeout=300)
        if done.returncode == 0:
            return []
        return [line for line in (done.stderr + done.stdout).splitlines() if line.strip()][-10:]

    def alive(self) -> list[str]:
        return [
            f"{name} exited ({process.proc.returncode})"
            for name, process in self.processes.items()
            if not process.alive()
        ]

    def settle(self, timeout: float) -> dict[str, list[str]]:
        """Wait until the outbox is empty and no deposit awaits its webhook (the sweeps take
        over what was lost after a minute); what is still stuck at ``timeout``."""
        from faults import checks

        deadline = time.monotonic() + timeout
        while True:
            self.db_reset()
            try:
                found = {"outbox": checks.stuck_outbox(), "deposits": checks.stuck_deposits()}
            except Exception as exc:  # the database is expected up here; say so if not
                found = {"outbox": [f"cannot read: {exc}"], "deposits": []}
            if not any(found.values()) or time.monotonic() > deadline:
                return found
            time.sleep(1)

    def gunicorn_log_from(self, offset: int) -> str:
        text = self.processes["gunicorn"].text()
        return text[offset:]

    def gunicorn_log_size(self) -> int:
        return len(self.processes["gunicorn"].text())

    def postgres_log(self) -> str:
        return self.postgres.log.read_text(errors="replace") if self.postgres.log.exists() else ""


def run_quietly(*args: str) -> None:
    subprocess.run(args, capture_output=True, check=False)

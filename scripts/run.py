"""Run the whole marketplace in one terminal: web server, Celery worker and beat scheduler.

Called by ``make run`` after the database is migrated and the demo data loaded. Each process
runs in its own process group, so Ctrl-C (or SIGTERM) reaches this supervisor alone, and it
stops every process group in turn — the web server's autoreloader child and the worker's pool
processes included.

A process that dies on its own is started again, the way a production supervisor
(``Restart=always``, docs/production.md) would: after a pause that doubles with each quick
death (1 s, 2 s, 4 s, … at most 30 s) and starts over once the process has stayed up for a
minute. Each death and restart is printed. The other processes keep running meanwhile: a
worker that lost its broker must not take the web server down with it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_SECONDS = 15
# Celery's queues by kind, as TASK_QUEUES_BY_KIND in marketplace/settings/worker.py names them
# (tests/marketplace/test_celery_queues.py holds the two lists together).
QUEUES = ("money", "timers", "notices", "heavy")


def commands(host: str, port: str) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "web": [python, "manage.py", "runserver", f"{host}:{port}"],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            # Every queue (marketplace/settings/worker.py): one worker does all the work here,
            # where production runs one per group of queues.
            f"--queues={','.join(QUEUES)}",
            "--loglevel=INFO",
            "--concurrency=2",
            "--hostname=garap-worker@%h",
        ],
        "beat": [python, "-m", "celery", "-A", "marketplace", "beat", "--loglevel=INFO"],
    }


# A process that died is started again after RESTART_FIRST_DELAY seconds, doubled for each
# death that follows a short run, at most RESTART_MAX_DELAY; one that ran RESTART_RESET_AFTER
# seconds before dying counts as healthy again and restarts after the first delay.
RESTART_FIRST_DELAY = 1.0
RESTART_MAX_DELAY = 30.0
RESTART_RESET_AFTER = 60.0


def restart_delay(quick_deaths: int) -> float:
    """The pause before a restart, after ``quick_deaths`` deaths in a row (1, 2, 3…)."""
    return min(RESTART_MAX_DELAY, RESTART_FIRST_DELAY * 2 ** max(0, quick_deaths - 1))


def log(message: str) -> None:
    print(f"garap: {message}", flush=True)


class Supervisor:
    """Starts the processes, restarts any that dies (with backoff), and stops them all."""

    def __init__(self, argvs: dict[str, list[str]], cwd: Path = ROOT) -> None:
        self.argvs = argvs
        self.cwd = cwd
        self.processes: dict[str, subprocess.Popen] = {}
        self.started_at: dict[str, float] = {}
        self.quick_deaths: dict[str, int] = dict.fromkeys(argvs, 0)
        self.restart_at: dict[str, float] = {}
        self.restarts: dict[str, int] = dict.fromkeys(argvs, 0)

    def start(self, name: str) -> None:
        self.processes[name] = subprocess.Popen(
            self.argvs[name], cwd=self.cwd, start_new_session=True
        )
        self.started_at[name] = time.monotonic()

    def start_all(self) -> None:
        for name in self.argvs:
            self.start(name)

    def poll(self) -> None:
        """Notice deaths and start again whatever is due; never blocks."""
        now = time.monotonic()
        for name, proc in self.processes.items():
            if name in self.restart_at or proc.poll() is None:
                continue
            # Whatever the dead process left in its group (a pool process) goes with it.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            ran = now - self.started_at[name]
            self.quick_deaths[name] = (
                1 if ran >= RESTART_RESET_AFTER else self.quick_deaths[name] + 1
            )
            delay = restart_delay(self.quick_deaths[name])
            self.restart_at[name] = now + delay
            log(
                f"{name} exited with code {proc.returncode} after {ran:.0f} s; "
                f"restarting it in {delay:.0f} s"
            )
        for name, due in list(self.restart_at.items()):
            if due <= now:
                del self.restart_at[name]
                self.restarts[name] += 1
                self.start(name)
                pid = self.processes[name].pid
                log(f"{name} restarted (restart {self.restarts[name]}, pid {pid})")

    def stop(self) -> None:
        stop(self.processes)


def wait_for_health(
    url: str, supervisor: Supervisor, timeout: float, stopping: Callable[[], bool]
) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stopping():
        supervisor.poll()
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own URL
                return json.load(response)
        except urllib.error.HTTPError as exc:  # 503: up, but something is degraded
            with contextlib.suppress(ValueError):
                return json.load(exc)
            time.sleep(0.5)
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            time.sleep(0.5)
    return {}


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for name, proc in processes.items():
        if proc.poll() is not None:
            continue
        if name == "web":
            # runserver's autoreloader runs the server in a child: stop the whole group.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        else:
            # Celery's main process finishes running tasks and stops its own pool (warm
            # shutdown); signalling the pool directly would kill tasks half-way.
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for name, proc in processes.items():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop in time; killing it")
    # Whatever is left in a process group (a stuck task, an orphaned child) is killed.
    for proc in processes.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def day_length() -> str:
    seconds = int(os.environ.get("TIMER_DAY_SECONDS", 24 * 3600))
    return "24 h" if seconds == 24 * 3600 else f"{seconds} s — a fast demo"


def main() -> int:
    from marketplace.celery import ensure_local_folders
    from projects.sample_data.demo.users import DEMO_PASSWORD, DEMO_USERS

    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"  # noqa: S104

    # Links the site makes to itself (the sandbox gateway's checkout page and its webhook) must
    # reach this very server.
    os.environ.setdefault("SITE_URL", url.rstrip("/"))

    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    ensure_local_folders()
    supervisor = Supervisor(commands(host, port))
    supervisor.start_all()

    health = wait_for_health(
        url + "api/v1/health/", supervisor, timeout=60, stopping=lambda: stopping
    )
    if health:
        logins = "\n".join(f"    {u.role:<11} {u.username}" for u in DEMO_USERS)
        print(
            f"\nGarap is running at {url}\n"
            f"  API docs: {url}api/docs/   admin: {url}admin/\n"
            f"  database: {health['database']}, broker: {health['broker']}\n"
            f"  timers: a day lasts {day_length()} (TIMER_DAY_SECONDS)\n"
            f"  demo logins (password {DEMO_PASSWORD}):\n{logins}\n"
            "Press Ctrl-C to stop the web server, worker and scheduler.\n",
            flush=True,
        )
    elif not stopping:
        log("the web server did not answer /api/v1/health/ within 60 s; still trying")

    while not stopping:
        supervisor.poll()
        time.sleep(0.3)

    log("stopping web, worker and beat…")
    supervisor.stop()
    log("stopped.")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")
    import django

    django.setup()
    sys.exit(main())

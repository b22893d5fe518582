"""Run the whole marketplace in one terminal: web server, Celery worker and beat scheduler.

Called by ``make run`` after the database is migrated and the demo data loaded. Each process
runs in its own process group, so Ctrl-C (or SIGTERM) reaches this supervisor alone, and it
stops every process group in turn — the web server's autoreloader child and the worker's pool
processes included. If any process dies on its own, the others are stopped too: a half-running
marketplace that looks alive is worse than one that stops and says why.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_SECONDS = 15


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
            "--loglevel=INFO",
            "--concurrency=2",
            "--hostname=garap-worker@%h",
        ],
        "beat": [python, "-m", "celery", "-A", "marketplace", "beat", "--loglevel=INFO"],
    }


def wait_for_health(url: str, processes: dict[str, subprocess.Popen], timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(proc.poll() is not None for proc in processes.values()):
            return {}
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own URL
                return json.load(response)
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
            print(f"garap: {name} did not stop in time; killing it", flush=True)
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
    from projects.demo import DEMO_PASSWORD, DEMO_USERS

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
    processes: dict[str, subprocess.Popen] = {}
    for name, argv in commands(host, port).items():
        processes[name] = subprocess.Popen(argv, cwd=ROOT, start_new_session=True)

    health = wait_for_health(url + "api/v1/health/", processes, timeout=60)
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

    exit_code = 0
    while not stopping:
        for name, proc in processes.items():
            if proc.poll() is not None:
                print(f"garap: {name} exited with code {proc.returncode}; stopping", flush=True)
                exit_code = 1
                stopping = True
                break
        time.sleep(0.3)

    print("garap: stopping web, worker and beat…", flush=True)
    stop(processes)
    print("garap: stopped.", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")
    import django

    django.setup()
    sys.exit(main())

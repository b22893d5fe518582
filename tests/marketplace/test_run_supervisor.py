"""``make run``'s supervisor (scripts/run.py): a process that dies is started again, with a
growing pause, while the others keep running; Ctrl-C still stops everything."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.marketplace.processes import free_port

ROOT = Path(__file__).resolve().parents[2]


def load_run_module():
    spec = importlib.util.spec_from_file_location("garap_run", ROOT / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run = load_run_module()


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (dead, not yet reaped by its parent) is not alive.
    return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"


def test_the_pause_before_a_restart_doubles_up_to_thirty_seconds():
    assert [run.restart_delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_process_that_dies_is_restarted_with_backoff_and_the_others_keep_running(
    monkeypatch, capsys
):
    monkeypatch.setattr(run, "RESTART_FIRST_DELAY", 0.1)
    supervisor = run.Supervisor(
        {
            "steady": [sys.executable, "-c", "import time; time.sleep(60)"],
            "crashy": [sys.executable, "-c", "import sys; sys.exit(3)"],
        }
    )
    supervisor.start_all()
    steady = supervisor.processes["steady"]
    try:
        started = time.monotonic()

        def restarted_three_times() -> bool:
            supervisor.poll()
            return supervisor.restarts["crashy"] >= 3

        wait_for(restarted_three_times, timeout=10, what="three restarts")
        took = time.monotonic() - started
    finally:
        supervisor.stop()

    # 0.1 + 0.2 + 0.4 s of pauses at least: the delay grows with each quick death.
    assert took >= 0.7
    assert supervisor.processes["steady"] is steady  # never touched
    output = capsys.readouterr().out
    assert "garap: crashy exited with code 3 after 0 s; restarting it in 0 s" in output
    assert "garap: crashy restarted (restart 3, pid " in output
    assert "steady exited" not in output
    assert not any(alive(proc.pid) for proc in supervisor.processes.values())


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


@pytest.mark.worker
def test_make_runs_supervisor_restarts_a_killed_worker_and_stops_cleanly_on_ctrl_c(tmp_path):
    """The real scripts/run.py on the embedded default (SQLite, filesystem broker)."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "GARAP_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'garap.sqlite3'}",
        "PORT": str(port),
        "HEARTBEAT_INTERVAL_SECONDS": "2",
    }
    env.pop("REDIS_URL", None)
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    output = tmp_path / "run.log"
    with output.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "scripts/run.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    text = lambda: output.read_text(errors="replace")  # noqa: E731
    try:
        wait_for(lambda: "Garap is running at" in text(), timeout=90, what="the start")

        def worker_pid() -> int | None:
            found = [pid for pid in children(proc.pid) if " worker " in cmdline(pid)]
            return found[0] if found else None

        first = wait_for(worker_pid, timeout=10, what="the worker process")
        groups = set(children(proc.pid))
        os.killpg(first, signal.SIGKILL)  # the worker and its pool, without warning

        wait_for(
            lambda: "garap: worker restarted (restart 1" in text(), timeout=30, what="a restart"
        )
        assert "garap: worker exited with code -9" in text()
        second = wait_for(worker_pid, timeout=10, what="the new worker")
        assert second != first
        assert proc.poll() is None  # the supervisor, the web server and beat kept running
        groups |= set(children(proc.pid))

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    log = text()
    assert "garap: stopping web, worker and beat" in log
    assert log.rstrip().endswith("garap: stopped."), log[-2000:]
    # Nothing outlives the stop: no process is left in any group the supervisor started.
    leftovers = []
    for pid in Path("/proc").iterdir():
        if pid.name.isdigit():
            try:
                if os.getpgid(int(pid.name)) in groups and alive(int(pid.name)):
                    leftovers.append(cmdline(int(pid.name)))
            except ProcessLookupError:
                pass
    assert leftovers == []

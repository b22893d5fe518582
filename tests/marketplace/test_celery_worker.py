"""A real Celery worker and beat scheduler, started as processes, run the scheduled heartbeat.

On SQLite this uses the embedded filesystem broker; under ``make test-services`` the same test
runs on the real Redis broker.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def read_heartbeat(env: dict[str, str]) -> str:
    code = (
        "from django.core.cache import cache; "
        "from marketplace.tasks import HEARTBEAT_CACHE_KEY; "
        "print(cache.get(HEARTBEAT_CACHE_KEY) or '')"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.worker
def test_beat_schedules_the_heartbeat_and_the_worker_runs_it(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "GARAP_VAR_DIR": str(tmp_path),
        "HEARTBEAT_INTERVAL_SECONDS": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
    }
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
        # A clean slate: an old heartbeat must not pass for a new one.
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from django.core.cache import cache; cache.clear()",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
        )
    assert read_heartbeat(env) == ""

    celery = [sys.executable, "-m", "celery", "-A", "marketplace"]
    worker = subprocess.Popen(
        [*celery, "worker", "--concurrency=1", "--loglevel=WARNING", "--hostname=test@%h"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    beat = subprocess.Popen(
        [*celery, "beat", "--loglevel=WARNING"], cwd=ROOT, env=env, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        beats: list[str] = []
        while time.monotonic() < deadline and len(set(beats)) < 2:
            value = read_heartbeat(env)
            if value:
                beats.append(value)
            time.sleep(1)
        assert worker.poll() is None
        assert beat.poll() is None
    finally:
        for proc in (beat, worker):
            proc.send_signal(signal.SIGTERM)
        for proc in (beat, worker):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    # Two different timestamps: the schedule fired repeatedly, not once at start-up.
    assert len(set(beats)) >= 2, beats

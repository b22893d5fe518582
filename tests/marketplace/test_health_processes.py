"""The health endpoint against real worker and beat processes: it tells a stopped worker from a
stopped scheduler by the heartbeats each writes itself, and answers 200 for either.

On SQLite this uses the embedded filesystem broker and file cache; under ``make
test-services`` the same test runs on the real Redis (broker and cache).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.marketplace.processes import Celery

ROOT = Path(__file__).resolve().parents[2]

REPORT = (
    "import json; from marketplace.health import report; "
    "body, code = report(); print(json.dumps({'code': code, **body}))"
)


def health(env: dict[str, str]) -> dict:
    """What GET /api/v1/health/ answers, computed by a fresh process with the workers' settings
    (their cache and broker)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", REPORT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.worker
def test_health_names_a_stopped_worker_or_scheduler_and_still_answers_200(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "DJANGO_DEBUG": "false",
        "GARAP_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'garap.sqlite3'}",
        "HEARTBEAT_INTERVAL_SECONDS": "1",
        "LOG_LEVEL": "INFO",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
        subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", CLEAR],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
        )
    else:
        env.pop("REDIS_URL", None)
    celery = Celery(tmp_path, env)
    try:
        before = health(env)
        assert (before["code"], before["problems"]) == (200, ["scheduler", "worker"])

        celery.worker("worker")
        celery.beat("beat")
        # Both heartbeats, and the heartbeat task run by the worker (the whole chain).
        both = celery.wait_until(
            lambda: (h := health(env))["status"] == "ok" and h["scheduler"]["last_heartbeat"] and h,
            what="both heartbeats",
        )
        assert (both["code"], both["problems"]) == (200, [])

        stop(celery, "worker")
        no_worker = celery.wait_until(
            lambda: (h := health(env))["problems"] and h, what="the worker to be missed"
        )
        assert no_worker["code"] == 200
        assert no_worker["problems"] == ["worker"]
        assert (no_worker["worker"]["status"], no_worker["scheduler"]["status"]) == ("down", "up")

        celery.worker("worker-2")
        stop(celery, "beat")
        no_scheduler = celery.wait_until(
            lambda: (h := health(env))["problems"] == ["scheduler"] and h,
            what="the scheduler to be missed",
        )
        assert no_scheduler["code"] == 200
        assert no_scheduler["worker"]["status"] == "up"
    finally:
        celery.stop_all()


CLEAR = (
    "from django.core.cache import cache; from marketplace import tasks; cache.delete_many("
    "[tasks.HEARTBEAT_CACHE_KEY, tasks.SCHEDULER_SENT_CACHE_KEY, tasks.WORKER_HEARTBEAT_CACHE_KEY])"
)


def stop(celery: Celery, name: str) -> None:
    """A warm shutdown of one process, reaped; the others keep running."""
    proc = celery.procs.pop(name)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)

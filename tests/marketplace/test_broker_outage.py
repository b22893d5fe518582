"""A Redis outage under a real worker that holds unacknowledged messages: the worker survives,
reconnects when Redis is back, and consumes new tasks (marketplace/broker.py says what used to
kill it for good).

Each test runs its own Redis server on a free port, kills it and starts it again — never the
Redis other processes share. The worker runs on a SQLite file of its own: the tasks sent here
touch only the broker and the cache.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from marketplace.tasks import heartbeat
from tests.marketplace.processes import Celery, RedisServer, broker, redis_server

pytestmark = [pytest.mark.redis, pytest.mark.worker]

# The worker's log line for a finished heartbeat task.
SUCCEEDED = "marketplace.tasks.heartbeat[{}] succeeded in"


def worker_env(tmp_path: Path, server: RedisServer) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "DJANGO_DEBUG": "false",
        "GARAP_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "REDIS_URL": server.url,
        "LOG_LEVEL": "INFO",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    return env


def send_heartbeat(server: RedisServer, **options) -> str:
    """Send the heartbeat task to this server's queue, as beat would; its task id."""
    with broker(server.url):
        return heartbeat.apply_async(**options).id


def unacked(server: RedisServer) -> int:
    """Messages Redis records as delivered to a worker and not yet acknowledged."""
    return server.client().hlen("unacked")


@pytest.mark.parametrize("outage", ["kill -9", "shutdown nosave"])
def test_the_worker_survives_a_redis_outage_while_holding_unacked_messages(tmp_path, outage):
    stop: Callable[[RedisServer], None] = {
        "kill -9": RedisServer.kill,
        "shutdown nosave": RedisServer.shutdown_nosave,
    }[outage]
    celery = Celery(tmp_path, {})
    with redis_server(tmp_path) as server:
        celery.env = worker_env(tmp_path, server)
        try:
            worker = celery.worker("worker")
            celery.wait_until(lambda: " ready." in celery.log("worker"), what="the worker")

            # Tasks waiting for their countdown sit in the worker, unacknowledged — as the
            # debounced reputation recalculation nearly always does.
            held = [send_heartbeat(server, countdown=600) for _ in range(2)]
            # Redis records a delivery a moment before the worker logs it: wait for both.
            celery.wait_until(
                lambda: (
                    unacked(server) == 2
                    and all(
                        f"heartbeat[{task_id}] received" in celery.log("worker") for task_id in held
                    )
                ),
                what="two unacknowledged messages, received by the worker",
            )

            stop(server)
            celery.wait_until(
                lambda: "Connection to broker lost" in celery.log("worker"),
                what="the worker to notice the outage",
            )
            time.sleep(1)  # Redis stays away while the worker tries to reconnect
            assert worker.poll() is None, celery.logs()

            server.start()
            task_id = send_heartbeat(server)
            celery.wait_until(
                lambda: SUCCEEDED.format(task_id) in celery.log("worker"),
                what="the worker to consume a task sent after the outage",
                timeout=60,
            )
            assert worker.poll() is None
        finally:
            celery.stop_all()

    log = celery.log("worker")
    assert "Unrecoverable error" not in log, log
    # It said so, and it came back on its own: a second "Connected to" after the outage.
    assert len(re.findall(r"Connected to \S+:\*\*@127\.0\.0\.1:\d+/0", log)) >= 2, log


def test_the_redis_transport_correction_is_the_one_in_use():
    """The worker above runs what the settings choose; this pins that choice for Redis URLs,
    so that a settings change cannot drop the correction while the test above still passes
    on some other transport."""
    import subprocess

    code = "from django.conf import settings; print(settings.CELERY_BROKER_TRANSPORT)"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "marketplace.broker:Transport"

"""Real Celery workers and beat schedulers for tests, started as processes on the test's own
PostgreSQL database and the real Redis broker, and always stopped again.

A test that uses them must commit its data (``django_db(transaction=True)``): the processes
connect to the database themselves and see only what was committed.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from marketplace.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
# Nothing listens here: a broker "down" without stopping the Redis other processes share.
DEAD_BROKER_URL = "redis://127.0.0.1:1/0"
# Django's file e-mail backend ends every message with this line.
EMAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def database_url() -> str:
    """The test's database (``test_…`` while the test runs) as a DATABASE_URL."""
    db = settings.DATABASES["default"]
    assert connection.vendor == "postgresql", "the processes need PostgreSQL"
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def service_env(folder: Path, **extra: str) -> dict[str, str]:
    """The environment of a worker or beat: development settings on the test's database and
    Redis, e-mail written to files in ``folder / "mail"``, INFO logs (the tests read them)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "DJANGO_DEBUG": "false",
        "GARAP_VAR_DIR": str(folder / "var"),
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"filemail:///{folder / 'mail'}",
        "LOG_LEVEL": "INFO",
        **extra,
    }


class Celery:
    """The worker and beat processes of one test; ``stop_all`` ends every one still running.

    Each process is the leader of its own process group, so a signal to the group reaches a
    worker's pool processes too; its output goes to a log file the test can read.
    """

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.procs: dict[str, subprocess.Popen] = {}

    def _start(self, name: str, args: list[str]) -> subprocess.Popen:
        assert name not in self.procs, f"{name} started twice"
        log = (self.folder / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "marketplace", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()  # the child holds its own descriptor
        self.procs[name] = proc
        return proc

    def worker(self, name: str, concurrency: int = 1) -> subprocess.Popen:
        return self._start(
            name,
            [
                "worker",
                f"--concurrency={concurrency}",
                "--loglevel=INFO",
                f"--hostname={name}@%h",
                # No cluster chatter: start-up does not wait for replies from other workers.
                "--without-mingle",
                "--without-gossip",
            ],
        )

    def beat(self, name: str) -> subprocess.Popen:
        return self._start(
            name, ["beat", "--loglevel=INFO", f"--schedule={self.folder / name}.schedule"]
        )

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        """The end of every process's log, for a failure message."""
        return "\n".join(f"--- {name} ---\n{self.log(name)[-3000:]}" for name in self.procs)

    def kill(self, name: str) -> None:
        """SIGKILL the whole process group: no warm shutdown, no message given back."""
        proc = self.procs.pop(name)
        _killpg(proc, signal.SIGKILL)
        proc.wait(timeout=30)

    def ensure_running(self) -> None:
        dead = {name: p.returncode for name, p in self.procs.items() if p.poll() is not None}
        assert not dead, f"exited early: {dead}\n{self.logs()}"

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)  # warm shutdown of the main process
        for proc in self.procs.values():
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=20)
            # Whatever is left of the group (a stuck main process, an orphaned pool process).
            _killpg(proc, signal.SIGKILL)
            proc.wait(timeout=30)
        self.procs.clear()

    def wait_until(self, condition: Callable[[], Any], *, what: str, timeout: float = 45.0) -> Any:
        """Poll ``condition`` until it returns something truthy; fail with the logs after
        ``timeout`` seconds or as soon as a process died."""
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            self.ensure_running()
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{self.logs()}")
            time.sleep(0.25)


def _killpg(proc: subprocess.Popen, sig: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


@contextmanager
def celery_processes(folder: Path, **env: str) -> Iterator[Celery]:
    celery = Celery(folder, service_env(folder, **env))
    try:
        yield celery
    finally:
        celery.stop_all()


@contextmanager
def broker(url: str) -> Iterator[None]:
    """Send this process's tasks to the broker at ``url`` (not run eagerly, as unit tests do).

    The app caches the connection and producer pools of the URL it first used (kombu keeps
    one pool per URL for the process); the app's references are dropped on the way in and out
    so that the current URL's pools are looked up again.
    """
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager

    def reset_pools() -> None:
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    conf.broker_url, conf.task_always_eager = url, False
    reset_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        reset_pools()


def sent_emails(folder: Path) -> list[EmailMessage]:
    """Every message Django's file e-mail backend wrote to ``folder / "mail"``."""
    messages = []
    for path in sorted((folder / "mail").glob("*.log")):
        for chunk in path.read_bytes().split(EMAIL_SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A Redis server of the test's own, on a free port, that the test may kill and restart —
    never the shared one other processes use. Nothing is written to disk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        log = (self.folder / f"redis-{self.port}.log").open("ab")
        self.proc = subprocess.Popen(
            [
                binary,
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert self.proc.poll() is None, "redis-server exited at start"
                assert time.monotonic() < deadline, "redis-server did not answer"
                time.sleep(0.05)

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=1)

    def kill(self) -> None:
        """SIGKILL: the server vanishes mid-conversation, with everything it held."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=10)

    def shutdown_nosave(self) -> None:
        """Redis's own ``SHUTDOWN NOSAVE``: it closes every client and exits."""
        import redis

        assert self.proc is not None
        with suppress(redis.ConnectionError):
            self.client().shutdown(nosave=True)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


@contextmanager
def redis_server(folder: Path) -> Iterator[RedisServer]:
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()

"""The servers a fault run owns: a Redis and a PostgreSQL cluster on spare ports (never the
shared 6379 and 5432), a 5 MB tmpfs for uploads, gunicorn, a Celery worker and beat — each one
started here, killed and restarted by the faults, and stopped at the end whatever happened.

Everything runs with production settings (``marketplace.settings.production``) as a staging
site would: the sandbox gateway switched on explicitly with a webhook secret of its own.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path

from tests.marketplace.own_postgres import Cluster
from tests.marketplace.own_postgres import unavailable as cluster_unavailable

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "garap"
# Beat runs every sweep and heartbeat this often (seconds): a fault's effects show in seconds.
SWEEP_SECONDS = 2
HEARTBEAT_SECONDS = 2
# Redis hands a killed worker's unacknowledged message to another worker after this long.
VISIBILITY_SECONDS = 10
RAISED = "1000000/min"
LIMITS = (
    "AUTH_THROTTLE_RATE",
    "REPORT_THROTTLE_RATE",
    "MESSAGE_RATE",
    "INVITATION_RATE",
    "DEPOSIT_RATE",
    "ACCOUNT_EMAIL_RATE",
    "SIGNUP_TAKEN_EMAIL_RATE",
    "UPLOAD_THROTTLE_RATE",
)


def free_port(avoid: tuple[int, ...] = (5432, 6379)) -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in avoid:
            return port


def port_from(variable: str) -> int:
    """A port named in the environment (FAULTS_REDIS_PORT…), or a free one."""
    value = os.environ.get(variable)
    port = int(value) if value else free_port()
    if port in (5432, 6379):
        raise SystemExit(f"{variable}={port} is a shared server's port: pick a spare one")
    return port


def unavailable() -> str | None:
    """Why this machine cannot run the fault suite, or None."""
    if shutil.which("redis-server") is None:
        return "redis-server is not installed"
    return cluster_unavailable()


class Redis:
    """A Redis of the run's own; nothing written to disk, so a kill loses what it held."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = (self.folder / "redis.log").open("ab")
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 15
        while not self.answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on {self.port} did not start")
            time.sleep(0.05)

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=3)

    def answers(self) -> bool:
        import redis

        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        """SIGKILL: gone mid-conversation, with every message it held."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    stop = kill


class Postgres:
    """A cluster of the run's own (initdb + pg_ctl as the postgres user)."""

    def __init__(self, port: int) -> None:
        self.cluster = Cluster()
        self.cluster.port = port
        self.port = port
        self.url = f"postgres://postgres@127.0.0.1:{port}/{DATABASE}"

    @property
    def log(self) -> Path:
        return self.cluster.folder / "log"

    def start(self) -> None:
        self.cluster.start()

    def create(self) -> None:
        self.cluster._as_postgres("createdb", "-h", "127.0.0.1", "-p", str(self.port), DATABASE)

    def crash(self) -> None:
        """``pg_ctl stop -m immediate``: no checkpoint, every connection cut."""
        self.cluster.crash()

    def remove(self) -> None:
        self.cluster.remove()


class SmallDisk:
    """A 5 MB tmpfs for uploads (root only); ``mounted`` says whether it is one."""

    SIZE = "5m"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={self.SIZE}", "tmpfs", str(folder)],
            capture_output=True,
            text=True,
            check=False,
        )
        self.mounted = done.returncode == 0
        self.why_not = done.stderr.strip() or "mount refused (not root?)"
        for name in ("media", "private"):
            (folder / name).mkdir(exist_ok=True)

    @property
    def filler(self) -> Path:
        return self.folder / "filler"

    def fill(self) -> None:
        """Fill it to the last byte."""
        with self.filler.open("wb") as out, suppress(OSError):  # ENOSPC: full
            while True:
                out.write(b"\0" * 65536)
                out.flush()

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def unmount(self) -> None:
        if self.mounted:
            if subprocess.run(["umount", str(self.folder)], check=False).returncode != 0:
                subprocess.run(["umount", "--lazy", str(self.folder)], check=False)
            self.mounted = False


def environment(run: Path, *, redis: Redis, postgres: Postgres, web_port: int) -> dict[str, str]:
    """Production settings on the run's servers, as a staging site runs them."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "GARAP_"))
        and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
            "DJANGO_SECRET_KEY": "faults-" + secrets.token_urlsafe(60),
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "PAYMENT_GATEWAY": "sandbox",
            "ALLOW_SANDBOX_GATEWAY": "true",
            "SANDBOX_WEBHOOK_SECRET": secrets.token_urlsafe(40),
            "SITE_URL": f"http://127.0.0.1:{web_port}",
            "EMAIL_URL": f"filemail:///{run / 'mail'}",
            "GARAP_VAR_DIR": str(run / "var"),
            "MEDIA_ROOT": str(run / "uploads" / "media"),
            "PRIVATE_MEDIA_ROOT": str(run / "uploads" / "private"),
            # Every gig goes live at once: the load's clients are all new.
            "GIG_MODERATION": "off",
            "AUTH_TOKENS_PER_USER": "1000",
            "HEARTBEAT_INTERVAL_SECONDS": str(HEARTBEAT_SECONDS),
            "TIMER_SWEEP_SECONDS": str(SWEEP_SECONDS),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
            "WEB_CONCURRENCY": "2",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    # Every client of the load comes from 127.0.0.1: per-address limits would only say 429.
    env.update(dict.fromkeys(LIMITS, RAISED))
    return env


class Process:
    """One server process, the leader of its own process group (a kill reaches its children)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.args, self.env, self.log = name, args, env, log
        out = log.open("ab")
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def signal_group(self, sig: int) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def kill(self) -> None:
        """SIGKILL the whole group: no warm shutdown, nothing given back."""
        self.signal_group(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.alive():
            self.signal_group(signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=20)
        self.signal_group(signal.SIGKILL)  # whatever is left of the group
        with suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=30)


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def gunicorn(env: dict[str, str], port: int, log: Path) -> Process:
    """gunicorn as production runs it (marketplace/gunicorn_conf.py), with an access log."""
    server = Process(
        "gunicorn",
        [
            sys.executable,
            "-m",
            "gunicorn",
            "marketplace.wsgi",
            f"--config={ROOT / 'marketplace' / 'gunicorn_conf.py'}",
            f"--bind=127.0.0.1:{port}",
            "--access-logfile=-",
            '--access-logformat=access %(s)s "%(r)s" %(M)sms',
            "--log-level=warning",
        ],
        env,
        log,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health/", timeout=5):
                return server
        except urllib.error.HTTPError:
            return server  # answering (a 503 while the workers start is an answer)
        except OSError:
            if not server.alive() or time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"gunicorn did not start; see {log}") from None
            time.sleep(0.3)


def celery_worker(env: dict[str, str], name: str, folder: Path) -> Process:
    return Process(
        name,
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--concurrency=2",
            "--loglevel=INFO",
            f"--hostname={name}@%h",
            "--without-mingle",
            "--without-gossip",
        ],
        env,
        folder / f"{name}.log",
    )


def celery_beat(env: dict[str, str], name: str, folder: Path) -> Process:
    return Process(
        name,
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "beat",
            "--loglevel=INFO",
            f"--schedule={folder / name}.schedule",
        ],
        env,
        folder / f"{name}.log",
    )

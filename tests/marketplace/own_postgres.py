"""A PostgreSQL cluster of the test's own, to stop and start: "the database is down" for real,
without touching the server every other test (and every other process on the machine) uses.

``initdb`` into a temporary folder and ``pg_ctl`` on a free port, run as the ``postgres`` user
(PostgreSQL refuses to run as root); migrated by ``manage.py migrate``. ``serving(cluster)``
points this process's Django connection at it for the length of a ``with`` block.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "garap"


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def unavailable() -> str | None:
    """Why this machine cannot run a cluster of its own (a skip reason), or None."""
    if _bin_dir() is None:
        return "PostgreSQL's server binaries (initdb, pg_ctl) are not installed"
    if os.geteuid() != 0:
        return "starting a cluster as the postgres user needs root"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "there is no postgres user"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    def __init__(self) -> None:
        bin_dir = _bin_dir()
        assert bin_dir is not None
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="garap-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        postgres = pwd.getpwnam("postgres")
        os.chown(self.folder, postgres.pw_uid, postgres.pw_gid)
        self._as_postgres(
            "initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "--no-sync"
        )

    def _as_postgres(self, program: str, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.bin / program), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w",
            "start",
        )  # fmt: skip

    def crash(self) -> None:
        """Stop at once, as a crash does: no checkpoint, every connection cut."""
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def create_and_migrate(self) -> None:
        self._as_postgres("createdb", "-h", "127.0.0.1", "-p", str(self.port), DATABASE)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
                "DATABASE_URL": self.url,
            },
            check=True,
            capture_output=True,
            timeout=300,
        )

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                ["runuser", "-u", "postgres", "--", str(self.bin / "pg_ctl"), "-D",
                 str(self.data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=60,
            )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def own_cluster() -> Iterator[Cluster]:
    """A started, migrated cluster, stopped and deleted afterwards whatever happened."""
    cluster = Cluster()
    try:
        cluster.start()
        cluster.create_and_migrate()
        yield cluster
    finally:
        cluster.remove()


@contextmanager
def serving(cluster: Cluster) -> Iterator[None]:
    """Django's default connection on ``cluster`` (this thread's and any new thread's: the
    settings dictionary is shared) for the block, then back on the test database."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(
        HOST="127.0.0.1", PORT=str(cluster.port), NAME=DATABASE, USER="postgres", PASSWORD=""
    )
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)

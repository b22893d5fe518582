"""The benchmark's data sets: one PostgreSQL database per size, ``garap_bench_<gigs>``.

Building a million gigs takes minutes, so a data set is reused while it is what this run would
build: the same size, seed and generator version, generated less than ``max_age`` ago (its open
gigs' deadlines and due dates are placed relative to the moment it was generated). Anything else
is dropped and built again: ``migrate`` on an empty database, ``manage.py generate_data``, then
``VACUUM ANALYZE`` so the planner sees what is there. Every run then brings the data set up to
date, reused or not: ``migrate`` (an index added since it was built is there when it is
measured) and the nightly reputation pass (the generator leaves reputation to it; the directory
sorts by it; and the nightly benchmark measures the nights after the first).

Apart from that pass, the benchmark does not change a data set: the writes it times (bids,
releases) are rolled back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
MARKER_TABLE = "garap_bench_dataset"


@dataclass(frozen=True)
class Dataset:
    gigs: int
    url: str
    name: str
    generated_at: datetime
    built_seconds: float | None  # None: reused


def database_url(base_url: str, name: str) -> str:
    """``base_url`` with its database name replaced."""
    head, _, _ = base_url.rpartition("/")
    return f"{head}/{name}"


def django_env(url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def manage(url: str, *args: str, log: Callable[[str], None]) -> None:
    started = time.monotonic()
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=django_env(url),
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )
    log(f"    manage.py {' '.join(args)}: {time.monotonic() - started:.1f} s")


NIGHTLY = "from projects.tasks import recalculate_all_reputation as run; print(run())"


def bring_up_to_date(url: str, log: Callable[[str], None]) -> None:
    manage(url, "migrate", "--noinput", log=log)
    manage(url, "shell", "--command", NIGHTLY, log=log)
    with psycopg.connect(url, autocommit=True) as conn:
        # Statistics for what a migration or the nightly pass just wrote (a new column, an
        # index's table rewritten), so the planner does not plan from stale ones.
        started = time.monotonic()
        conn.execute("ANALYZE")
        log(f"    ANALYZE: {time.monotonic() - started:.1f} s")


def _fingerprint(gigs: int, seed: int) -> dict[str, object]:
    from projects.sample_data.generate import (
        GENERATOR_VERSION,  # after django.setup() (bench/__main__.py)
    )

    return {"gigs": gigs, "seed": seed, "generator": GENERATOR_VERSION}


def _stored(url: str) -> tuple[dict, datetime] | None:
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute(
                f"SELECT fingerprint, generated_at FROM {MARKER_TABLE}"  # noqa: S608 - ours
            ).fetchone()
    except psycopg.Error:
        return None
    return (json.loads(row[0]), row[1]) if row else None


def ensure_dataset(
    *,
    gigs: int,
    seed: int,
    base_url: str,
    max_age: timedelta,
    rebuild: bool,
    log: Callable[[str], None],
) -> Dataset:
    name = f"garap_bench_{gigs}"
    url = database_url(base_url, name)
    wanted = _fingerprint(gigs, seed)
    stored = None if rebuild else _stored(url)
    if stored and stored[0] == wanted and datetime.now(UTC) - stored[1] < max_age:
        log(f"  {gigs:>9,} gigs: reusing {name} (generated {stored[1]:%Y-%m-%d %H:%M} UTC)")
        bring_up_to_date(url, log)
        return Dataset(gigs, url, name, stored[1], None)

    log(f"  {gigs:>9,} gigs: building {name}")
    started = time.monotonic()
    with psycopg.connect(database_url(base_url, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    manage(url, "migrate", "--noinput", log=log)
    manage(
        url,
        "generate_data",
        f"--gigs={gigs}",
        f"--seed={seed}",
        f"--now={now.isoformat()}",
        log=log,
    )
    with psycopg.connect(url, autocommit=True) as conn:
        vacuum_started = time.monotonic()
        conn.execute("VACUUM ANALYZE")
        log(f"    VACUUM ANALYZE: {time.monotonic() - vacuum_started:.1f} s")
        conn.execute(
            f"CREATE TABLE {MARKER_TABLE} (fingerprint text NOT NULL, generated_at timestamptz)"
        )
        conn.execute(
            f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s)",  # noqa: S608 - ours
            (json.dumps(wanted), now),
        )
    bring_up_to_date(url, log)
    seconds = time.monotonic() - started
    log(f"  {gigs:>9,} gigs: built in {seconds:.0f} s")
    return Dataset(gigs, url, name, now, seconds)

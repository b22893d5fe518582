"""Does the health endpoint keep answering while a burst of sign-ups hashes passwords?

Runs gunicorn with production settings on loopback (PostgreSQL and Redis on 127.0.0.1), twice
in one run — with the same number of processes each time:

- ``sync``: one request at a time per process (gunicorn's default worker, as before);
- ``gthread``: marketplace/gunicorn_conf.py as it is (threads in each process).

For each it probes ``GET /api/v1/health/`` at rest, then again while sign-up clients post
``auth/register/`` as fast as they are answered, and reports health's latency (p50, p95, max)
during the burst as a ratio of its p95 at rest, and how many probes took longer than a load
balancer's timeout. The table goes to stdout and, with ``--out``, to a Markdown file.

    .venv/bin/python scripts/health_under_load.py --out docs/health-under-load.md

It creates (and drops again) the database ``garap_health_load`` beside ``--database-url``'s,
uses Redis database 11 (``--redis-url``), and only talks to 127.0.0.1. About two minutes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "garap_health_load"
# A load balancer's usual probe timeout (docs/production.md): a probe slower than this fails.
PROBE_TIMEOUT = 2.0
# How long the client waits before it records a probe as timed out altogether.
CLIENT_TIMEOUT = 10.0


@dataclass
class Run:
    name: str
    rest: list[float]
    burst: list[float]
    failed: int  # probes with no answer within CLIENT_TIMEOUT
    signups: int
    signup_errors: int
    seconds: float


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def environment(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
        "DJANGO_SECRET_KEY": "health-load-" + secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "AUTH_THROTTLE_RATE": "1000000/min",
        "LOG_LEVEL": "WARNING",
    }


def admin_sql(database_url: str, statement: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(statement)


def get(url: str, timeout: float) -> float | None:
    """Seconds until the whole answer arrived (any status), or None without one in time."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - loopback
            answer.read()
    except urllib.error.HTTPError as exc:  # 503 is an answer too
        exc.read()
    except OSError:
        return None
    return time.monotonic() - started


def sign_up(base: str, name: str) -> bool:
    body = json.dumps(
        {"username": name, "email": f"{name}@load.garap.test", "password": f"{name}-Kuat-2026!"}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback
        base + "/api/v1/auth/register/",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            answer.read()
            return answer.status == 201
    except (urllib.error.HTTPError, OSError):
        return False


def serve(env: dict[str, str], port: int, workers: int, extra: list[str], log: Path):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "marketplace.wsgi",
            f"--config={ROOT / 'marketplace' / 'gunicorn_conf.py'}",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--log-level=warning",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def measure(name, env, port, workers, extra, args, log_dir: Path, counter) -> Run:
    base = f"http://127.0.0.1:{port}"
    health = base + "/api/v1/health/"
    server = serve(env, port, workers, extra, log_dir / f"gunicorn-{name}.log")
    try:
        deadline = time.monotonic() + 60
        while get(health, 2) is None:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn ({name}) did not start; see {log_dir}")
            time.sleep(0.5)
        for _ in range(20):  # warm every process: connections, imports, caches
            get(health, CLIENT_TIMEOUT)
        rest = [t for t in (get(health, CLIENT_TIMEOUT) for _ in range(args.rest_probes)) if t]

        stop = threading.Event()
        results = {"ok": 0, "errors": 0}
        lock = threading.Lock()

        def client() -> None:
            while not stop.is_set():
                ok = sign_up(base, f"load{next(counter)}")
                with lock:
                    results["ok" if ok else "errors"] += 1

        burst: list[float] = []
        failed = 0
        clients = [threading.Thread(target=client) for _ in range(args.clients)]
        for thread in clients:
            thread.start()
        time.sleep(1.0)  # the burst is under way
        started = time.monotonic()
        while time.monotonic() - started < args.seconds:
            took = get(health, CLIENT_TIMEOUT)
            if took is None:
                failed += 1
            else:
                burst.append(took)
            time.sleep(args.probe_interval)
        seconds = time.monotonic() - started
        stop.set()
        for thread in clients:
            thread.join(timeout=120)
        return Run(name, rest, burst, failed, results["ok"], results["errors"], seconds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def table(runs: list[Run], args) -> str:
    ms = lambda s: f"{s * 1000:.0f}"  # noqa: E731
    lines = [
        f"Health under a sign-up burst: {args.clients} clients signing up without pause for "
        f"{args.seconds:.0f} s, health probed every {args.probe_interval:.1f} s, "
        f"{args.workers} gunicorn processes, production settings on loopback, one run.",
        "",
        "| workers | health p95 at rest (ms) | during the burst p50 / p95 / max (ms) "
        f"| p95 ratio (burst ÷ rest) | probes over {PROBE_TIMEOUT:.0f} s | no answer "
        "| sign-ups/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        answered = run.burst or [CLIENT_TIMEOUT]
        rest95 = percentile(run.rest, 0.95)
        slow = sum(1 for t in run.burst if t > PROBE_TIMEOUT) + run.failed
        lines.append(
            f"| {run.name} | {ms(rest95)} | {ms(percentile(answered, 0.5))} / "
            f"{ms(percentile(answered, 0.95))} / {ms(max(answered))} | "
            f"{percentile(answered, 0.95) / rest95:.1f}× | {slow} of {len(run.burst) + run.failed}"
            f" | {run.failed} | {run.signups / run.seconds:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--probe-interval", type=float, default=0.2)
    parser.add_argument("--rest-probes", type=int, default=100)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    database_url = urlunsplit(urlsplit(args.database_url)._replace(path=f"/{DATABASE}"))
    env = environment(database_url, args.redis_url)
    log_dir = ROOT / "var" / "health-load"
    log_dir.mkdir(parents=True, exist_ok=True)
    admin_sql(args.database_url, f"DROP DATABASE IF EXISTS {DATABASE}")
    admin_sql(args.database_url, f"CREATE DATABASE {DATABASE}")
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        counter = itertools.count()
        runs = [
            measure(
                "sync (before)",
                env,
                args.port,
                args.workers,
                ["--worker-class=sync", "--threads=1"],
                args,
                log_dir,
                counter,
            ),
            measure(
                "gthread (gunicorn_conf.py)",
                env,
                args.port + 1,
                args.workers,
                [],
                args,
                log_dir,
                counter,
            ),
        ]
    finally:
        admin_sql(args.database_url, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        # The sign-ups' e-mail tasks, never consumed here: this script's Redis database only.
        import redis

        redis.Redis.from_url(args.redis_url).delete("notices", "celery")
    report = table(runs, args)
    print(report)
    if args.out:
        args.out.write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

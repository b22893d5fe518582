"""A real Celery worker and beat scheduler, started as processes, run the scheduled heartbeat;
a real worker recalculates reputation after committed events.

On SQLite this uses the embedded filesystem broker; under ``make test-services`` the same tests
run on the real Redis broker (and one more, on the PostgreSQL test database).
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from accounts.models import ClientProfile, FreelancerProfile, ReputationChange
from projects.models import ReputationEvent

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


# --- The reputation recalculation through the real worker --------------------------------------


@contextmanager
def running_worker(env: dict[str, str]):
    """A real worker process (``celery worker``), stopped and reaped afterwards."""
    worker = subprocess.Popen(
        [
            *[sys.executable, "-m", "celery", "-A", "marketplace"],
            *["worker", "--concurrency=1", "--loglevel=WARNING", "--hostname=test@%h"],
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        yield worker
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def poll(check, *, timeout: float = 90, every: float = 0.5):
    """``check()`` until it returns something truthy, or its last answer after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(every)


# One contract, closed and reviewed by both parties, each step its own committed transaction,
# the way the web process does it (no eager Celery: each commit sends real messages).
SCENARIO = """
import json
from projects.services import milestones as ms
from projects.services.reviews import review_submit
from tests.projects.factories import ContractFactory, top_up

contract = ContractFactory(bid__amount=120_000)
top_up(contract.client, 120_000)
milestone = contract.milestones.get()
ms.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
ms.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note="Selesai.")
ms.milestone_release(milestone_id=milestone.pk, actor=contract.client)
for actor in (contract.client, contract.freelancer):
    review_submit(
        contract_id=contract.pk, actor=actor, quality=5, communication=5, value=4,
        comment="Mantap.",
    )
print("PARTIES", json.dumps([contract.freelancer_id, contract.client_id]))
"""


@pytest.mark.worker
def test_the_worker_recalculates_reputation_after_a_contract_closes_and_reviews_reveal(tmp_path):
    """Web process → broker → worker, each a separate process on one SQLite file (the embedded
    setup); on the real Redis broker under ``make test-services``."""
    database = tmp_path / "worker.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "GARAP_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{database}",
        "REPUTATION_DEBOUNCE_SECONDS": "1",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
        # No debounce key or message from an earlier run may absorb this run's.
        manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")

    with running_worker(env) as worker:  # starts while the database is being made
        manage(env, "migrate", "--noinput", "-v", "0")
        output = manage(env, "shell", "-c", SCENARIO)  # e-mails may be printed as well
        parties = next(line for line in output.splitlines() if line.startswith("PARTIES "))
        freelancer_id, client_id = json.loads(parties.removeprefix("PARTIES "))

        def published():
            with closing(sqlite3.connect(database, timeout=20)) as db:
                pending = db.execute(
                    f"SELECT COUNT(*) FROM {ReputationEvent._meta.db_table} "  # noqa: S608
                    "WHERE processed_at IS NULL"
                ).fetchone()[0]
                figures = db.execute(
                    "SELECT rating, rating_count, completion_rate, response_samples "  # noqa: S608
                    f"FROM {FreelancerProfile._meta.db_table} WHERE user_id = ?",
                    [freelancer_id],
                ).fetchone()
                record = db.execute(
                    f"SELECT rating_average, contracts FROM {ClientProfile._meta.db_table} "  # noqa: S608
                    "WHERE user_id = ?",
                    [client_id],
                ).fetchone()
            return (figures, record) if pending == 0 and figures and figures[0] else None

        result = poll(published)
        assert worker.poll() is None

    # Platform mean 14/3 = 4.6667; (5 × 4.6667 + 14/3) / 6 = 84.0005 / 18 = 4.66669… → 4.667;
    # one contract, completed, answered once (by the delivery).
    assert result == ((4.667, 1, 1, 1), (4.667, 1)), result


@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_committed_review_reveal_reaches_the_worker_on_postgresql(tmp_path, settings):
    """This test process commits through the services (with Celery sending real messages, not
    running tasks eagerly); a worker process on the same test database updates the profile."""
    from marketplace.celery import app as celery_app
    from projects.services import milestones as ms
    from projects.services.reviews import review_submit
    from tests.projects.factories import ContractFactory, top_up

    settings.REPUTATION_DEBOUNCE_SECONDS = 1
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "GARAP_VAR_DIR": str(tmp_path),
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        ),
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    names = ("broker_transport_options", "task_always_eager")
    saved = {name: celery_app.conf[name] for name in names}
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL  # the same broker as this process
        options = celery_app.conf.broker_transport_options
    else:  # the worker's filesystem queue under GARAP_VAR_DIR (settings/worker.py)
        env.pop("REDIS_URL", None)
        queue, processed = tmp_path / "broker" / "queue", tmp_path / "broker" / "processed"
        queue.mkdir(parents=True)
        processed.mkdir()
        options = {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "processed_folder": str(processed),
        }
    # The app caches its broker pools from the first use; start afresh with these options.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.update(broker_transport_options=options, task_always_eager=False)
    try:
        contract = ContractFactory(bid__amount=120_000)
        top_up(contract.client, 120_000)
        milestone = contract.milestones.get()
        with running_worker(env) as worker:
            with transaction.atomic():  # closes the contract and reveals both reviews
                ms.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
                ms.milestone_submit(
                    milestone_id=milestone.pk, actor=contract.freelancer, note="Selesai."
                )
                ms.milestone_release(milestone_id=milestone.pk, actor=contract.client)
                for actor in (contract.client, contract.freelancer):
                    review_submit(
                        contract_id=contract.pk,
                        actor=actor,
                        quality=5,
                        communication=5,
                        value=4,
                        comment="Mantap.",
                    )
            profile = FreelancerProfile.objects.filter(user=contract.freelancer)
            assert profile.filter(rating__isnull=False).exists() is False  # not eager

            done = poll(
                lambda: (
                    not ReputationEvent.objects.filter(processed_at__isnull=True).exists()
                    and profile.filter(rating__isnull=False).exists()
                )
            )
            assert done
            assert worker.poll() is None
    finally:
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        celery_app.conf.update(saved)

    published = profile.get()
    # Platform mean 14/3 = 4.6667; (5 × 4.6667 + 14/3) / 6 = 84.0005 / 18 → 4.667
    assert (published.rating, published.rating_count, published.completion_rate) == (
        Decimal("4.667"),
        1,
        Decimal("1.000"),
    )
    assert ClientProfile.objects.get(user=contract.client).rating_average == Decimal("4.667")
    assert set(
        ReputationChange.objects.filter(user=contract.freelancer).values_list("figure", "cause")
    ) >= {("rating", "review_revealed")}

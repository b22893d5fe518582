"""A backlog of e-mails does not delay money: with 2 000 e-mail tasks waiting in ``notices``
(no worker on it), production's money worker (``-Q money,timers``) delivers a paid deposit's
webhook at once and the wallet is credited. (With every task in one queue, as before, the credit
waited about 14 s here behind those e-mails — each of which fails fast, having no row to send.)

Everything real: Redis as the broker (this test's own database), a worker process started as
docs/production.md starts it, the sandbox gateway's webhook POSTed over HTTP to the live server,
PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.db import connection

from marketplace.celery import app as celery_app
from payments.models import Account, Deposit, LedgerTransaction
from payments.services.deposits import deposit_create
from tests.accounts.factories import UserFactory

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    # send_task always publishes, which is the point here (the test settings run .delay eagerly).
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]

ROOT = Path(__file__).resolve().parents[2]
QUEUES = ("money", "timers", "notices", "heavy")
BACKLOG = 2000
EMAIL = "accounts.tasks.send_notification_email"


@contextmanager
def money_worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """Production's worker of the money and timers queues, stopped and reaped afterwards."""
    with log.open("w") as out:
        worker = subprocess.Popen(
            [
                *[sys.executable, "-m", "celery", "-A", "marketplace", "worker"],
                *["-Q", "money,timers", "--concurrency=1", "--loglevel=INFO"],
                *["--hostname=money@%h", "--without-mingle", "--without-gossip"],
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
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


def wait_until(check, *, timeout: float, what: str) -> float:
    """Seconds until ``check()`` is true; fails after ``timeout``."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)
    return time.monotonic() - start


def test_a_paid_webhook_is_credited_while_two_thousand_e_mails_wait(
    live_server, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    broker = redis.Redis.from_url(settings.REDIS_URL)  # this test run's own Redis database
    broker.delete(*QUEUES)
    deposit = deposit_create(user=UserFactory(), amount=100_000)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "GARAP_VAR_DIR": str(tmp_path),
        "REDIS_URL": settings.REDIS_URL,
        "SITE_URL": live_server.url,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        ),
    }
    log = tmp_path / "worker.log"
    email_queue = celery_app.amqp.router.route({}, EMAIL)["queue"].name  # "notices"
    try:
        with celery_app.producer_or_acquire() as producer:
            for _ in range(BACKLOG):
                celery_app.send_task(EMAIL, args=[0], producer=producer)
        assert broker.llen(email_queue) == BACKLOG

        with money_worker(env, log) as worker:
            wait_until(lambda: " ready." in log.read_text(), timeout=60, what="the worker")
            celery_app.send_task(
                "payments.deliver_sandbox_webhook", args=[deposit.reference, "paid", 100_000]
            )

            def credited() -> bool:
                return Deposit.objects.get(pk=deposit.pk).status == Deposit.Status.PAID

            seconds = wait_until(credited, timeout=30, what="the webhook's credit")
            assert worker.poll() is None
            waiting = broker.llen(email_queue)
    finally:
        broker.delete(*QUEUES)

    # The credit came from the webhook, once, in the time a worker takes to run one task; the
    # e-mails are all still queued (none was run before it, or at all).
    assert seconds < 10, seconds
    assert waiting == BACKLOG
    assert "payments.deliver_sandbox_webhook[" in log.read_text()  # received, succeeded
    assert f"{EMAIL}[" not in log.read_text()
    wallet = Account.objects.get(reference=f"wallet:{deposit.user_id}")
    assert wallet.balance == 100_000
    assert LedgerTransaction.objects.filter(kind="deposit").count() == 1

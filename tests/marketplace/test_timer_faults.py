"""The timers and the e-mail outbox under faults, against the real Redis and real worker and
beat processes started by each test (tests/marketplace/processes.py).

Each test builds its milestones through the services with the clock moved back (time_machine),
so they are really due when the processes — which run on the real clock — look at them; then it
checks what the database holds: the milestone, every balance it touched, the ledger's release
transactions, the notices and the e-mails actually written.

Run by ``make test-services`` (PostgreSQL and Redis); skipped on SQLite.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
import redis
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import Notification
from payments.models import Account, LedgerTransaction
from projects.audit import ledger_problems
from projects.models import Milestone
from projects.services import milestones as services
from projects.tasks import sweep_auto_release
from tests.conftest import client_for
from tests.marketplace.processes import (
    DEAD_BROKER_URL,
    broker,
    celery_processes,
    sent_emails,
)
from tests.projects.factories import ContractFactory, top_up
from tests.races import row_lock

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

M = Milestone.Status
# Rp 120.000 at the default 10 % platform fee: Rp 108.000 to the freelancer, Rp 12.000 to Garap.
AMOUNT, FEE = 120_000, 12_000
NOTE = "Logo final terlampir: PNG transparan dan SVG."
# Beat runs every sweep this often in these tests (seconds).
FAST_SWEEPS = {"TIMER_SWEEP_SECONDS": "1"}
# A sweep gives up on a lock after TIMER_LOCK_TIMEOUT_SECONDS; the tests that need a release
# provably stuck inside its transaction let it wait as long as they need.
WAIT_FOR_LOCKS = {"TIMER_LOCK_TIMEOUT_SECONDS": "600"}
# A worker's log line for a finished auto-release sweep, with what it returned.
SWEEP_DONE = re.compile(r"projects\.tasks\.sweep_auto_release\[[^\]]+\] succeeded in \S+: (\d+)")


# --- helpers ----------------------------------------------------------------------------------


def submitted_milestone(*, ago: timedelta) -> Milestone:
    """A funded Rp 120.000 milestone its freelancer submitted ``ago``, made through the
    services at that moment (its notices are e-mailed in-process as it happens)."""
    with time_machine.travel(timezone.now() - ago, tick=True):
        contract = ContractFactory(bid__amount=AMOUNT)
        top_up(contract.client, AMOUNT)
        milestone = contract.milestones.get()
        services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
        return services.milestone_submit(
            milestone_id=milestone.pk, actor=contract.freelancer, note=NOTE
        )


def overdue_for_auto_release() -> timedelta:
    return timedelta(days=settings.AUTO_RELEASE_DAYS, hours=1)


def balance(reference: str) -> int:
    found = Account.objects.filter(reference=reference).values_list("balance", flat=True).first()
    return found or 0


def books(milestone: Milestone) -> dict[str, int]:
    contract = milestone.contract
    return {
        "client": balance(f"wallet:{contract.client_id}"),
        "escrow": balance(f"escrow:milestone:{milestone.pk}"),
        "freelancer": balance(f"wallet:{contract.freelancer_id}"),
    }


PAID_OUT = {"client": 0, "escrow": 0, "freelancer": AMOUNT - FEE}


def releases(milestone: Milestone) -> int:
    return LedgerTransaction.objects.filter(
        kind=LedgerTransaction.Kind.RELEASE, reference=f"milestone:{milestone.pk}"
    ).count()


def status(milestone: Milestone) -> str:
    return Milestone.objects.values_list("status", flat=True).get(pk=milestone.pk)


def released_notice(milestone: Milestone) -> Notification | None:
    return Notification.objects.filter(
        kind="milestone_released", key__startswith=f"milestone_released:milestone:{milestone.pk}:"
    ).first()


def notice_emailed(milestone: Milestone) -> bool:
    """Every notice the milestone's release sent has gone out by e-mail."""
    notices = release_notices([milestone])
    return released_notice(milestone) is not None and all(
        notice.email_status == Notification.EmailStatus.SENT for notice in notices
    )


# What a release sends: the payment notice to the freelancer, the "paid automatically" notice to
# a client who did not approve it, and, as the contract completes, the review invitation to both.
RELEASE_KINDS = ("milestone_released", "milestone_auto_released", "contract_completed")


def release_notices(milestones: list[Milestone]) -> list[Notification]:
    """The notices of RELEASE_KINDS about these milestones or their contracts."""
    about = [f":milestone:{m.pk}:" for m in milestones]
    about += [f":contract:{m.contract_id}:" for m in milestones]
    notices = Notification.objects.filter(kind__in=RELEASE_KINDS).select_related("recipient")
    return [notice for notice in notices if any(part in notice.key for part in about)]


def assert_emailed_once(milestones: list[Milestone], tmp_path: Path) -> None:
    """Each milestone's release notices reached their recipients by e-mail exactly once — and
    the processes sent nothing else."""
    expected = Counter()
    for milestone in milestones:
        notice = released_notice(milestone)
        assert notice.recipient_id == milestone.contract.freelancer_id
    for notice in release_notices(milestones):
        assert (notice.email_status, notice.email_attempts) == (Notification.EmailStatus.SENT, 1)
        expected[(notice.recipient.email, " ".join(f"[Garap] {notice.title}".split()))] += 1
    # A long subject is folded over two header lines; compare the words.
    sent = Counter(
        (str(m["To"]), " ".join(str(m["Subject"]).split())) for m in sent_emails(tmp_path)
    )
    assert sent == expected


def unacked_task_ids() -> set[str]:
    """The tasks whose messages Redis holds as delivered to a worker but not acknowledged
    (kombu's ``unacked`` hash: delivery tag → [message, exchange, routing key])."""
    held = redis.Redis.from_url(settings.REDIS_URL).hvals("unacked")
    return {json.loads(value)[0]["headers"]["id"] for value in held}


def send_sweep() -> str:
    """Send one auto-release sweep through the real broker, as beat would; its task id."""
    with broker(settings.CELERY_BROKER_URL):
        return sweep_auto_release.apply_async().id


@contextmanager
def escrow_row_lock(milestone: Milestone) -> Iterator[psycopg.Connection]:
    """Hold the row lock of the milestone's escrow account in a transaction of the test's own,
    on a connection of its own, until ``rollback()`` (or the end of the block).

    The ledger accounts are the last rows a release locks, as it posts its entries: a release
    that meets this lock has already locked the gig, the contract and the milestone in its
    transaction (a sweep passes a row whose gig or contract is held, so it must be this one)."""
    escrow = Account.objects.get(reference=f"escrow:milestone:{milestone.pk}")
    with row_lock(escrow) as holder:
        yield holder


def lock_waiters() -> dict[int, tuple[list[int], str]]:
    """The database's backends waiting for a lock: pid → (the pids blocking it, its query).

    Asked on the test's usual connection: inside the holder's transaction pg_stat_activity
    would be a snapshot that never changes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, pg_blocking_pids(pid), query FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return {pid: (blockers, query) for pid, blockers, query in cursor.fetchall()}


def blocked_release(holder: psycopg.Connection) -> int:
    """The one backend waiting for the holder's lock, checked to be the release's
    ``SELECT … FOR NO KEY UPDATE`` of the ledger accounts; its pid."""
    [(pid, (blockers, query))] = lock_waiters().items()
    assert blockers == [holder.info.backend_pid]
    assert Account._meta.db_table in query
    assert "FOR NO KEY UPDATE" in query
    return pid


def pool_processes(pid: int) -> list[int]:
    """The child processes of a worker's main process (its prefork pool)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return children


def assert_untouched(milestone: Milestone) -> None:
    assert status(milestone) == M.SUBMITTED
    assert releases(milestone) == 0
    assert books(milestone) == {"client": 0, "escrow": AMOUNT, "freelancer": 0}


def assert_released_once(milestone: Milestone, tmp_path: Path) -> None:
    assert status(milestone) == M.RELEASED
    assert releases(milestone) == 1
    assert books(milestone) == PAID_OUT
    assert balance("platform:fees") == FEE
    assert_emailed_once([milestone], tmp_path)
    assert ledger_problems() == []


# --- the tests --------------------------------------------------------------------------------


def test_a_scheduled_sweep_auto_releases_a_due_milestone_end_to_end(tmp_path):
    milestone = submitted_milestone(ago=overdue_for_auto_release())
    assert_untouched(milestone)

    with celery_processes(tmp_path, **FAST_SWEEPS) as celery:
        celery.worker("worker")
        celery.beat("beat")
        celery.wait_until(lambda: notice_emailed(milestone), what="the release and its e-mail")

    assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.RELEASE).count() == 1
    assert_released_once(milestone, tmp_path)


def test_a_worker_killed_mid_release_is_replaced_and_the_release_happens_once(tmp_path):
    """The release blocks on a row lock the test holds, so the worker is provably inside the
    task's transaction when its whole process group is SIGKILLed: no warm shutdown, nothing
    given back. The message was never acknowledged (acks_late); a new worker takes it back
    from Redis once the visibility timeout — here shortened — has passed, and releases once."""
    visibility = 4
    milestone = submitted_milestone(ago=overdue_for_auto_release())

    env = {"CELERY_VISIBILITY_TIMEOUT": str(visibility), **WAIT_FOR_LOCKS}
    with celery_processes(tmp_path, **env) as celery, escrow_row_lock(milestone) as holder:
        celery.worker("first")
        task_id = send_sweep()
        celery.wait_until(lock_waiters, what="the worker to block on the escrow's lock")
        blocked_release(holder)
        blocked_at = time.monotonic()
        assert f"sweep_auto_release[{task_id}] received" in celery.log("first")

        celery.kill("first")
        holder.rollback()  # the lock goes; the dead worker's transaction never committed
        assert_untouched(milestone)
        assert task_id in unacked_task_ids()

        # The replacement restores unacknowledged messages older than the visibility timeout
        # to the queue as it starts polling.
        time.sleep(max(0.0, blocked_at + visibility + 0.5 - time.monotonic()))
        celery.worker("second")
        celery.wait_until(lambda: notice_emailed(milestone), what="the redelivered release")
        celery.wait_until(
            lambda: task_id not in unacked_task_ids(), what="the message to be acknowledged"
        )
        assert f"sweep_auto_release[{task_id}] succeeded in" in celery.log("second")

    assert_released_once(milestone, tmp_path)


def test_a_pool_process_killed_mid_release_gives_the_task_back_and_it_runs_once(tmp_path):
    """reject_on_worker_lost: when only the pool process running the release dies, the
    worker's main process gives the message back at once (no visibility timeout to wait
    out) and runs it again in a fresh pool process. The dead process's transaction lingers in
    PostgreSQL, holding the contract, until the test's lock goes: the second run passes the
    locked row by (it does not wait behind it), and the next sweep releases the milestone —
    once."""
    milestone = submitted_milestone(ago=overdue_for_auto_release())

    with (
        celery_processes(tmp_path, **WAIT_FOR_LOCKS) as celery,
        escrow_row_lock(milestone) as holder,
    ):
        worker = celery.worker("worker")
        task_id = send_sweep()
        celery.wait_until(lock_waiters, what="the worker to block on the escrow's lock")
        first = blocked_release(holder)
        [pool] = pool_processes(worker.pid)

        os.kill(pool, signal.SIGKILL)
        celery.wait_until(
            lambda: f"sweep_auto_release[{task_id}] succeeded in" in celery.log("worker"),
            what="the task to run again, past the locked row",
        )
        assert "WorkerLostError" in celery.log("worker")
        assert celery.log("worker").count(f"sweep_auto_release[{task_id}] received") == 2
        assert [int(n) for n in SWEEP_DONE.findall(celery.log("worker"))] == [0]
        assert set(lock_waiters()) == {first}  # only the dead one still waits
        assert_untouched(milestone)

        holder.rollback()  # the dead process's transaction gets the lock and fails: rolled back
        celery.wait_until(lambda: not lock_waiters(), what="the dead transaction to end")
        assert_untouched(milestone)
        again = send_sweep()
        celery.wait_until(lambda: notice_emailed(milestone), what="the next sweep's release")
        celery.wait_until(
            lambda: not {task_id, again} & unacked_task_ids(),
            what="the messages to be acknowledged",
        )
        assert [int(n) for n in SWEEP_DONE.findall(celery.log("worker"))] == [0, 1]

    assert_released_once(milestone, tmp_path)


def test_an_approval_while_redis_is_down_succeeds_and_its_e_mail_goes_out_later(tmp_path, caplog):
    """The client approves while the broker is unreachable: the approval and the money stand,
    the e-mail task's message is lost (logged), and the notice row — the outbox — waits as
    pending. Once a worker and beat run on the real Redis, the outbox sweep sends it, once.

    The approval happens two minutes in the past (the sweep leaves rows younger than a minute
    to their own task): the broker was down back then, and has been back since."""
    with time_machine.travel(timezone.now() - timedelta(minutes=2), tick=True):
        milestone = submitted_milestone(ago=timedelta(0))
        contract = milestone.contract
        with broker(DEAD_BROKER_URL), caplog.at_level(logging.ERROR, "django.db.backends.base"):
            response = client_for(contract.client).post(
                f"/api/v1/milestones/{milestone.pk}/approve/", format="json"
            )

    assert response.status_code == 200, response.json()
    # The lost message is logged, not raised.
    assert any("127.0.0.1:1" in r.getMessage() for r in caplog.records), caplog.text
    assert status(milestone) == M.RELEASED
    assert books(milestone) == PAID_OUT
    assert releases(milestone) == 1
    notice = released_notice(milestone)
    assert (notice.email_status, notice.email_attempts) == (Notification.EmailStatus.PENDING, 0)
    # Nothing is queued: only the outbox row remembers the e-mail.
    queued = redis.Redis.from_url(settings.REDIS_URL)
    assert {q.name: queued.llen(q.name) for q in settings.CELERY_TASK_QUEUES} == dict.fromkeys(
        settings.TASK_QUEUES_BY_KIND, 0
    )

    with celery_processes(tmp_path, **FAST_SWEEPS) as celery:
        celery.worker("worker")
        celery.beat("beat")
        celery.wait_until(lambda: notice_emailed(milestone), what="the outbox sweep's e-mail")

    assert_emailed_once([milestone], tmp_path)
    assert releases(milestone) == 1
    assert books(milestone) == PAID_OUT
    assert ledger_problems() == []


def test_two_beat_schedulers_at_once_still_release_each_milestone_once(tmp_path):
    """Two schedulers by mistake send every sweep twice; two workers run them side by side.
    Each due milestone is released once, pays once and is e-mailed once; the sweeps' own
    counts add up to one release per milestone."""
    milestones = [submitted_milestone(ago=overdue_for_auto_release()) for _ in range(4)]
    workers, beats = ("worker-1", "worker-2"), ("beat-1", "beat-2")

    def sweep_results() -> list[int]:
        """What each finished auto-release sweep returned: how many it released itself."""
        return [int(n) for w in workers for n in SWEEP_DONE.findall(celery.log(w))]

    with celery_processes(tmp_path, **FAST_SWEEPS) as celery:
        for name in workers:
            celery.worker(name, concurrency=2)
        for name in beats:
            celery.beat(name)
        celery.wait_until(
            lambda: all(notice_emailed(m) for m in milestones), what="every release's e-mail"
        )
        # The schedulers keep sending; the sweeps that follow find nothing left to do.
        celery.wait_until(
            lambda: sweep_results().count(0) >= 4, what="sweeps that find nothing to release"
        )

    for name in beats:
        assert "Sending due task sweep-auto-release" in celery.log(name)
    assert sum(sweep_results()) == len(milestones)
    for milestone in milestones:
        assert status(milestone) == M.RELEASED
        assert releases(milestone) == 1
        assert books(milestone) == PAID_OUT
    assert balance("platform:fees") == FEE * len(milestones)
    assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.RELEASE).count() == len(
        milestones
    )
    assert Notification.objects.filter(kind="milestone_released").count() == len(milestones)
    assert_emailed_once(milestones, tmp_path)
    assert ledger_problems() == []

"""The fault suite's own checkers (faults/checks.py): each passes on a clean state and fails on
the defect it exists to catch, planted here — a second release row, a notice told twice, an
e-mail sent twice, a stuck outbox row or deposit, a 500 in the log, a half-written upload, a
health answer that does not name what is down."""

from __future__ import annotations

from datetime import timedelta
from email.utils import make_msgid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Notification
from accounts.services.notifications import _render, notification_email_deliver
from faults import checks
from faults.http import Record
from faults.run import Probe
from payments.models import Deposit, LedgerTransaction
from projects.audit import ledger_problems
from projects.models import ContractMessage, MessageAttachment
from projects.services import milestones as services
from tests.accounts.factories import UserFactory
from tests.projects.factories import ContractFactory, top_up

pytestmark = pytest.mark.django_db


def released_milestone():
    contract = ContractFactory()
    milestone = contract.milestones.get()
    top_up(contract.client, milestone.amount)
    services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    services.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note="Selesai.")
    return services.milestone_approve(milestone_id=milestone.pk, actor=contract.client)


# --- the ledger and the notices ---------------------------------------------------------------


def test_a_milestone_released_once_is_no_double_release():
    milestone = released_milestone()

    assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.RELEASE).count() == 1
    assert milestone.status == "released"
    assert checks.double_releases() == []


@pytest.mark.corrupts_ledger
def test_a_second_release_row_for_a_milestone_is_a_double_release():
    milestone = released_milestone()
    LedgerTransaction.objects.create(
        kind=LedgerTransaction.Kind.RELEASE,
        idempotency_key="planted-second-release",
        reference=f"milestone:{milestone.pk}",
    )

    assert checks.double_releases() == [f"milestone:{milestone.pk} has 2 release transactions"]
    assert ledger_problems() == [
        f"milestone:{milestone.pk} is released with 2 release transactions"
    ]


def notice(user, kind: str, key: str, link: str, **fields) -> Notification:
    return Notification.objects.create(
        recipient=user, kind=kind, key=key, title=f"Judul {key}", link=link, **fields
    )


def test_notices_of_one_event_each_are_no_duplicates():
    released_milestone()  # the loop's real notices, one per event
    user = UserFactory()
    notice(user, "milestone_released", "a", "/api/v1/contracts/1/")
    notice(user, "milestone_released", "b", "/api/v1/contracts/2/")
    # Kinds that may repeat for one object (a second bid on a gig) are not counted.
    notice(user, "bid_received", "c", "/api/v1/gigs/3/")
    notice(user, "bid_received", "d", "/api/v1/gigs/3/")

    assert Notification.objects.filter(kind="milestone_released").count() == 3
    assert checks.duplicate_notices() == []


def test_one_event_told_twice_under_two_keys_is_a_duplicate_notice():
    user = UserFactory()
    notice(user, "milestone_released", "first", "/api/v1/contracts/7/")
    notice(user, "milestone_released", "retried", "/api/v1/contracts/7/")

    assert checks.duplicate_notices() == [
        f"milestone_released about /api/v1/contracts/7/ to user {user.pk} 2 times"
    ]


@pytest.fixture
def mail_folder(tmp_path, settings) -> Path:
    """Django's file e-mail backend, as the fault run's processes use it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return tmp_path / "mail"


def pending_notices(count: int) -> list[Notification]:
    user = UserFactory(email="sari@example.com")
    return [
        notice(user, "milestone_released", f"k{n}", f"/api/v1/contracts/{n}/") for n in range(count)
    ]


def test_each_notice_e_mailed_once_is_no_duplicate_e_mail(mail_folder):
    for each in pending_notices(2):
        assert notification_email_deliver(notification_id=each.pk)

    assert len(checks.sent_emails(mail_folder)) == 2
    assert checks.duplicate_emails(mail_folder) == []


def test_a_notice_e_mailed_twice_is_a_duplicate_e_mail(mail_folder):
    first, _ = pending_notices(2)
    for each in Notification.objects.all():
        notification_email_deliver(notification_id=each.pk)
    again = _render(first)  # the same notice as a second message, with an id of its own
    again.extra_headers["Message-ID"] = make_msgid(domain="garap.test")
    again.send()

    assert checks.duplicate_emails(mail_folder) == [
        "'[Garap] Judul k0' to sari@example.com e-mailed 2 times for 1 notice(s)"
    ]
    assert checks.resent_copies(mail_folder) == 0


def test_a_copy_sent_again_with_its_message_id_is_one_message(mail_folder):
    """What a crash between the send and its record leaves: the outbox sends the e-mail again
    with the same Message-ID, and mail systems keep one."""
    first, _ = pending_notices(2)
    for each in Notification.objects.all():
        notification_email_deliver(notification_id=each.pk)
    _render(first).send()

    assert len(checks.sent_emails(mail_folder)) == 3
    assert checks.duplicate_emails(mail_folder) == []
    assert checks.resent_copies(mail_folder) == 1


def test_an_outbox_with_every_e_mail_sent_or_skipped_is_drained():
    user = UserFactory()
    notice(user, "bid_received", "sent", "", email_status=Notification.EmailStatus.SENT)
    notice(user, "bid_received", "muted", "", email_status=Notification.EmailStatus.SKIPPED)

    assert checks.stuck_outbox() == []


def test_an_e_mail_still_pending_or_given_up_is_a_stuck_outbox():
    user = UserFactory()
    pending = notice(user, "bid_received", "pending", "")
    failed = notice(user, "bid_received", "failed", "", email_status="failed", email_attempts=5)

    assert checks.stuck_outbox() == [
        f"notice {pending.pk} (bid_received) e-mail pending after 0 attempt(s)",
        f"notice {failed.pk} (bid_received) e-mail failed after 5 attempt(s)",
    ]


def deposit(reference: str, **fields) -> Deposit:
    return Deposit.objects.create(
        user=UserFactory(), amount=150_000, provider="sandbox", reference=reference, **fields
    )


def test_settled_or_abandoned_deposits_are_not_stuck():
    deposit(
        "paid",
        status=Deposit.Status.PAID,
        gateway_outcome="paid",
        gateway_outcome_at=timezone.now(),
    )
    deposit("never-paid")  # a checkout the payer left: pending, and rightly so

    assert checks.stuck_deposits() == []


def test_a_deposit_paid_at_the_gateway_and_still_pending_is_stuck():
    deposit("lost-webhook", gateway_outcome="paid", gateway_outcome_at=timezone.now())

    assert checks.stuck_deposits() == ["deposit lost-webhook (paid at the gateway) still pending"]


# --- the server's answers ---------------------------------------------------------------------

CLEAN_LOG = """\
access 200 "GET /api/v1/wallet/ HTTP/1.1" 4ms
access 503 "POST /api/v1/gigs/ HTTP/1.1" 2ms
access 507 "POST /api/v1/contracts/3/messages/ HTTP/1.1" 9ms
2026-12-07 08:40:01,000 WARNING django.request: Service Unavailable: /api/v1/gigs/
"""


def test_a_log_of_designed_answers_has_no_server_error():
    assert checks.server_errors(CLEAN_LOG) == []


def test_a_500_in_the_server_log_is_a_server_error():
    log = (
        CLEAN_LOG
        + "2026-12-07 08:40:02,000 ERROR django.request: "
        + "Internal Server Error: /api/v1/bids/4/accept/\n"
        + 'access 500 "POST /api/v1/bids/4/accept/ HTTP/1.1" 12ms\n'
        + 'access 502 "GET /api/v1/me/ HTTP/1.1" 1ms\n'
    )

    assert checks.server_errors(log) == [
        "500 on /api/v1/bids/4/accept/ (server log)",
        "500 on POST /api/v1/bids/4/accept/ HTTP/1.1 (access log)",
        "502 on GET /api/v1/me/ HTTP/1.1 (access log)",
    ]


def record(status: int, started: float, retry_after: str | None = "30", path="/api/v1/gigs/"):
    return Record("p", started, 0.01, "POST", path, status, retry_after, "load")


def test_503s_with_retry_after_while_a_dependency_is_down_are_designed_answers():
    records = [record(201, 1.0), record(503, 11.0), record(503, 17.0), record(507, 30.0)]
    # Sent just before the crash, answered while it lasted.
    records.append(Record("p", 9.0, 1.5, "POST", "/api/v1/gigs/", 503, "30", "load"))

    assert checks.bad_answers(records, outages=[(10.0, 15.0)], grace=5.0) == []


def test_a_500_a_bare_503_a_503_with_nothing_down_or_no_answer_are_bad_answers():
    records = [
        record(500, 1.0, path="/api/v1/bids/4/accept/"),
        record(503, 12.0, retry_after=None),
        record(503, 40.0),
        record(0, 41.0),
    ]

    assert checks.bad_answers(records, outages=[(10.0, 15.0)], grace=5.0) == [
        "500 to POST /api/v1/bids/{id}/accept/ (1×)",
        "503 with no dependency down to POST /api/v1/gigs/ (1×)",
        "503 without Retry-After to POST /api/v1/gigs/ (1×)",
        "no answer to POST /api/v1/gigs/ (1×)",
    ]


# --- health -------------------------------------------------------------------------------------


def probe(started: float, status: int, *problems: str) -> Probe:
    body = {"status": "degraded" if problems else "ok", "problems": list(problems)}
    return Probe(started, 0.01, status, body)


def test_health_that_names_the_down_database_with_a_503_is_truthful():
    probes = [probe(1, 200), probe(11, 503, "database"), probe(13, 503, "database"), probe(20, 200)]

    assert checks.health_during(probes, (10.5, 15.0), {"database"}) == []
    assert checks.health_after(probes, 20) == []


def test_health_that_says_ok_while_the_database_is_down_is_not_truthful():
    probes = [probe(11, 503, "database"), probe(12, 200), probe(13, 503, "broker")]

    assert checks.health_during(probes, (10.5, 15.0), {"database"}) == [
        "health said 200 [] while ['database'] was down",
        "health said 503 ['broker'] while ['database'] was down",
    ]


def test_a_stopped_worker_is_named_with_a_200_degraded_not_a_503():
    assert checks.health_during([probe(11, 200, "worker")], (10.0, 12.0), {"worker"}) == []
    assert checks.health_during([probe(11, 503, "worker")], (10.0, 12.0), {"worker"}) == [
        "health said 503 ['worker'] while ['worker'] was down"
    ]


def test_no_probe_while_the_fault_lasted_proves_nothing():
    assert checks.health_during([probe(1, 200), probe(30, 200)], (10.0, 15.0), {"broker"}) == [
        "no health probe answered while the fault lasted"
    ]


def test_health_that_falls_back_after_recovering_is_not_truthful_after():
    probes = [probe(20, 200), probe(21, 200, "worker"), probe(22, 200)]

    assert checks.health_after(probes, 20) == ["health said 200 ['worker'] after the fault"]


def test_one_slow_probe_between_quick_ones_does_not_take_the_node_out():
    probes = [probe(1, 200), Probe(2, 2.5, 200, {}), probe(3, 200), Probe(4, 10.0, 0, None)]

    assert checks.slow_probes(probes, 2.0) == []


def test_three_slow_or_unanswered_probes_in_a_row_take_the_node_out():
    probes = [probe(1, 200), Probe(2, 2.5, 200, {}), Probe(3, 10.0, 0, None), Probe(4, 3, 200, {})]

    assert checks.slow_probes(probes, 2.0) == ["3 health probes in a row unanswered or over 2 s"]


# --- uploads on a full disk ---------------------------------------------------------------------


@pytest.fixture
def private_root(tmp_path, settings):
    root = tmp_path / "private"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "marketplace.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    return root


def attachment(name: str) -> MessageAttachment:
    contract = ContractFactory()
    message = ContractMessage.objects.create(
        contract=contract, sender=contract.client, body="Draf terlampir."
    )
    made = MessageAttachment(message=message, original_name=name, content_type="text/plain", size=5)
    made.file.save(name, ContentFile(b"draf\n"), save=True)
    return made


def test_every_stored_file_with_its_row_is_no_orphan(private_root):
    attachment("draf.txt")

    assert len(list(private_root.rglob("*.txt"))) == 1
    assert checks.orphan_uploads(private_root, ignore=["filler"]) == []


def test_a_file_without_its_row_a_row_without_its_file_and_an_empty_file_are_orphans(
    private_root,
):
    kept = attachment("draf.txt")
    (private_root / "sisa.txt").write_bytes(b"")  # written, then the disk was full
    gone = attachment("hilang.txt")
    Path(gone.file.path).unlink()

    assert checks.orphan_uploads(private_root) == [
        "sisa.txt: a file with no row",
        f"{gone.file.name}: a row with no file",
        "sisa.txt: empty",
    ]
    assert Path(kept.file.path).exists()


def test_a_day_old_notice_is_still_a_notice(settings):
    # The outbox check reads every pending row, however old: the sweep's one-minute grace
    # is the run's to wait out, not the check's to forgive.
    user = UserFactory()
    old = notice(user, "bid_received", "old", "")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))

    assert len(checks.stuck_outbox()) == 1

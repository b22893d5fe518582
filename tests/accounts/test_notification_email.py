"""Notices by e-mail: the notification row is the outbox.

A notice is written with ``email_status`` pending (or skipped: muted kind, no address); after the
event's transaction commits a task sends the e-mail, in the recipient's language; the periodic
sweep sends rows whose task never ran; a failing mail server leaves the row pending and counts
the attempt, until the fifth marks it failed. Also: the e-mail preferences API, and the nightly
ledger audit's alert to staff and site admins.

E-mail goes to Django's locmem backend (``mail.outbox``), or to the failing backend below.
"""

from __future__ import annotations

import re
import smtplib
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.utils import translation

from accounts.models import Notification
from accounts.notices import NoticeKind, email_optional_kinds
from accounts.services import notification_email_deliver, notification_send
from accounts.services.notifications import EMAIL_MAX_ATTEMPTS
from accounts.tasks import deliver_pending_emails, send_notification_email
from marketplace.celery import app as celery_app
from marketplace.formatting import days_count
from payments.models import Account
from projects import notices, tasks
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.projects.factories import top_up

START = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta
PREFERENCES = "/api/v1/me/notification-preferences/"
GIG = "Logo toko kue"


class DisconnectedBackend(BaseEmailBackend):
    """A mail server that hangs up on every message: a transient SMTP error."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


failing_mail_server = override_settings(EMAIL_BACKEND=f"{__name__}.DisconnectedBackend")


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def send_bid_notice(
    recipient, number: int = 1, kind: NoticeKind = notices.BID_RECEIVED
) -> Notification:
    """A "new bid" notice through the catalogue, as bid_place sends it (about bid ``number``;
    another ``kind``, about the gig or bid of that number)."""
    return notices.notify(
        recipient,
        kind,
        subject=number,
        link_args={f"{kind.subject}_id": number},
        gig=GIG,
        freelancer="Sari Dewi",
        amount="Rp 120.000",
        days=days_count(5),
        budget="Rp 150.000",
        client="Budi",
    )


def status(notification: Notification) -> tuple[str, int]:
    notification.refresh_from_db()
    return notification.email_status, notification.email_attempts


# --- the outbox and the task after commit -----------------------------------------------------


@pytest.mark.django_db
def test_a_notice_is_emailed_once_its_transaction_commits(
    clock, django_capture_on_commit_callbacks
):
    user = UserFactory(preferred_language="en", display_name="Ayu Lestari")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = send_bid_notice(user)
        assert status(notification) == ("pending", 0)
        assert mail.outbox == []

    assert len(callbacks) == 1
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts) == ("sent", 1)
    assert notification.emailed_at == START
    [message] = mail.outbox
    assert message.subject == "[Garap] New bid on “Logo toko kue”"
    assert message.to == [user.email]
    assert message.body == (
        "Hello Ayu Lestari,\n"
        "\n"
        "New bid on “Logo toko kue”\n"
        "\n"
        "Sari Dewi offered Rp 120.000 to deliver in 5 days.\n"
        "\n"
        "Open it on Garap: http://127.0.0.1:8000/dashboard/\n"
        "\n"
        "--\n"
        "Garap — micro-projects, paid fairly and fast.\n"
        "You get this e-mail because of your Garap account. Choose which notices are e-mailed "
        "to you: http://127.0.0.1:8000/settings/notifications/\n"
    )
    [(html, content_type)] = message.alternatives
    assert content_type == "text/html"
    assert '<h1 style="font-size: 18px;">New bid on “Logo toko kue”</h1>' in html
    assert 'href="http://127.0.0.1:8000/dashboard/"' in html


@pytest.mark.django_db
def test_the_email_is_written_in_the_recipients_language(clock, django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="id", display_name="Ayu Lestari")

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        send_bid_notice(user)

    [message] = mail.outbox
    with translation.override("id"):
        title = str(notices.BID_RECEIVED.title) % {"gig": GIG}
    assert title != "New bid on “Logo toko kue”"
    assert message.subject == f"[Garap] {title}"
    assert message.body.startswith(f"Halo Ayu Lestari,\n\n{title}\n")
    assert "Buka di Garap: http://127.0.0.1:8000/dashboard/" in message.body
    assert "Hello" not in message.body
    assert "Open it on Garap" not in message.body


@pytest.mark.django_db
def test_a_muted_kind_is_not_emailed(clock, django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="en", email_muted_kinds=["bid_received"])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        muted = send_bid_notice(user, 1)
    assert callbacks == []
    assert status(muted) == ("skipped", 0)
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        other = send_bid_notice(user, 2, kind=notices.GIG_INVITED)  # a kind still e-mailed
    assert status(other) == ("sent", 1)
    assert [m.subject for m in mail.outbox] == ["[Garap] You are invited to bid on “Logo toko kue”"]


@pytest.mark.django_db
def test_a_user_without_an_email_address_gets_the_notice_in_the_app_only(
    clock, django_capture_on_commit_callbacks
):
    user = UserFactory(email="")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = send_bid_notice(user)

    assert callbacks == []
    assert status(notification) == ("skipped", 0)
    assert mail.outbox == []


# --- the sweep for tasks that never ran ---------------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_sends_emails_whose_task_never_ran(clock):
    user = UserFactory()
    # Outside django_capture_on_commit_callbacks the test's transaction never commits: the
    # tasks are lost, like messages sent to a broker that was down.
    first, second = send_bid_notice(user, 1), send_bid_notice(user, 2)

    clock.move_to(START + timedelta(seconds=59))  # young rows are left to their own task
    assert deliver_pending_emails() == 0
    assert mail.outbox == []

    clock.move_to(START + timedelta(minutes=2))
    assert deliver_pending_emails() == 2
    assert [status(first), status(second)] == [("sent", 1), ("sent", 1)]
    assert len(mail.outbox) == 2

    assert deliver_pending_emails() == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_an_email_is_sent_once_when_the_task_and_the_sweep_both_run(
    clock, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = send_bid_notice(user)

    clock.move_to(START + timedelta(minutes=2))
    assert deliver_pending_emails() == 1
    for late_task in callbacks:  # the task's message arrives after all
        late_task()
    assert notification_email_deliver(notification_id=notification.pk) is False

    assert len(mail.outbox) == 1
    assert status(notification) == ("sent", 1)


# --- a failing mail server ----------------------------------------------------------------------


@pytest.mark.django_db
@failing_mail_server
def test_a_failed_send_stays_pending_until_the_fifth_attempt_fails_it(clock):
    notification = send_bid_notice(UserFactory())

    for attempt in range(1, 5):
        with pytest.raises(smtplib.SMTPServerDisconnected):
            notification_email_deliver(notification_id=notification.pk)
        assert status(notification) == ("pending", attempt)

    with pytest.raises(smtplib.SMTPServerDisconnected):
        notification_email_deliver(notification_id=notification.pk)
    assert status(notification) == ("failed", 5)

    assert notification_email_deliver(notification_id=notification.pk) is False
    clock.move_to(START + timedelta(minutes=2))
    assert deliver_pending_emails() == 0
    assert status(notification) == ("failed", 5)
    notification.refresh_from_db()
    assert notification.emailed_at is None


@pytest.mark.django_db
def test_the_sweep_survives_a_failing_mail_server_and_counts_the_attempts(clock):
    first, second = send_bid_notice(UserFactory(), 1), send_bid_notice(UserFactory(), 2)
    clock.move_to(START + timedelta(minutes=2))

    with failing_mail_server:
        assert deliver_pending_emails() == 0
        assert [status(first), status(second)] == [("pending", 1), ("pending", 1)]

    assert deliver_pending_emails() == 2  # the server is back
    assert [status(first), status(second)] == [("sent", 2), ("sent", 2)]
    assert len(mail.outbox) == 2


@pytest.fixture
def worker_semantics():
    """Eager tasks that do not raise into the caller: a retry runs at once, as a worker would
    run it after its countdown."""
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous


@pytest.mark.django_db
@failing_mail_server
def test_the_task_retries_a_failing_send_and_gives_up_after_five_attempts(
    clock, worker_semantics, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = send_bid_notice(UserFactory())

    # The first try and four retries, the last of which marks the row failed.
    assert send_notification_email.max_retries + 1 == EMAIL_MAX_ATTEMPTS
    assert status(notification) == ("failed", EMAIL_MAX_ATTEMPTS)
    assert mail.outbox == []


@pytest.mark.django_db
@failing_mail_server
def test_a_failing_send_after_commit_does_not_fail_the_event(
    clock, django_capture_on_commit_callbacks
):
    # The task raises into the on-commit hook (eager Celery propagates); the hook is robust, so
    # the event that wrote the notice stays a success and the row waits for a retry.
    with django_capture_on_commit_callbacks(execute=True):
        notification = send_bid_notice(UserFactory())

    assert status(notification) == ("pending", 1)
    assert Notification.objects.count() == 1


# --- a crash between the send and the commit -----------------------------------------------


class Crash(BaseException):
    """The worker or the database dies right after the message left: no handler runs, the
    transaction that would have marked the row sent never commits."""


class CrashAfterSendBackend(BaseEmailBackend):
    """Delivers (to ``delivered``), noting what the database said at that moment, then dies."""

    delivered: list = []
    seen_at_send: list[tuple[str, int]] = []

    def send_messages(self, email_messages):
        for message in email_messages:
            CrashAfterSendBackend.delivered.append(message)
            row = Notification.objects.get(key=message.extra_headers["X-Test-Key"])
            CrashAfterSendBackend.seen_at_send.append((row.email_status, row.email_attempts))
        raise Crash


@pytest.fixture
def crashing_mail_server(settings, monkeypatch):
    from accounts.services import notifications

    CrashAfterSendBackend.delivered = []
    CrashAfterSendBackend.seen_at_send = []
    settings.EMAIL_BACKEND = f"{__name__}.CrashAfterSendBackend"
    render = notifications._render

    def render_with_key(notification):  # lets the backend find the row it is sending
        message = render(notification)
        message.extra_headers["X-Test-Key"] = notification.key
        return message

    monkeypatch.setattr(notifications, "_render", render_with_key)
    return CrashAfterSendBackend


@pytest.mark.django_db
def test_the_attempt_is_recorded_before_the_send_and_survives_a_crash_after_it(
    clock, crashing_mail_server
):
    notification = send_bid_notice(UserFactory())

    with pytest.raises(Crash):
        notification_email_deliver(notification_id=notification.pk)

    # When the message left, the row already counted the attempt…
    assert crashing_mail_server.seen_at_send == [("pending", 1)]
    # …and that record outlived the sending transaction, which never committed.
    assert status(notification) == ("pending", 1)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert len(crashing_mail_server.delivered) == 1


@pytest.mark.django_db
def test_a_notice_sent_again_after_a_crash_has_the_same_message_id(clock, crashing_mail_server):
    notification = send_bid_notice(UserFactory())
    with pytest.raises(Crash):
        notification_email_deliver(notification_id=notification.pk)

    # The sweep finds the row still pending and sends it again, this time to a server that
    # stays up.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        clock.move_to(START + timedelta(minutes=2))
        assert deliver_pending_emails() == 1

    [first] = crashing_mail_server.delivered
    [second] = mail.outbox
    assert status(notification) == ("sent", 2)
    first_id, second_id = first.message()["Message-ID"], second.message()["Message-ID"]
    assert first_id == second_id  # mail systems drop the second copy as a duplicate
    assert re.fullmatch(r"<notice\.[0-9a-f]{40}@garap\.local>", first_id), first_id


@pytest.mark.django_db
def test_a_notice_whose_sender_dies_every_time_is_failed_after_the_last_attempt(
    clock, crashing_mail_server
):
    notification = send_bid_notice(UserFactory())
    for _ in range(EMAIL_MAX_ATTEMPTS):
        with pytest.raises(Crash):
            notification_email_deliver(notification_id=notification.pk)
    assert status(notification) == ("pending", EMAIL_MAX_ATTEMPTS)

    assert notification_email_deliver(notification_id=notification.pk) is False
    assert status(notification) == ("failed", EMAIL_MAX_ATTEMPTS)
    assert len(crashing_mail_server.delivered) == EMAIL_MAX_ATTEMPTS  # no sixth copy


@pytest.mark.django_db
def test_every_notice_has_its_own_message_id(clock):
    user = UserFactory()
    notices_sent = [send_bid_notice(user, number) for number in (1, 2)]
    other = send_bid_notice(UserFactory(), 3)
    for notification in (*notices_sent, other):
        assert notification_email_deliver(notification_id=notification.pk) is True

    ids = [message.message()["Message-ID"] for message in mail.outbox]
    assert len(ids) == 3
    assert len(set(ids)) == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_recorded_attempt_is_committed_before_the_send(clock, crashing_mail_server):
    """Read from a connection of its own at the moment of sending: the attempt is committed,
    not merely written in the transaction that sends."""
    import psycopg
    from django.conf import settings as django_settings

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        notification = send_bid_notice(UserFactory())  # committed: its task runs at once
    # As if that task's message had been lost: the outbox row waits for the sweep.
    Notification.objects.filter(pk=notification.pk).update(email_status="pending", email_attempts=0)
    db = django_settings.DATABASES["default"]
    committed: list[tuple[str, int]] = []

    class Reader(CrashAfterSendBackend):
        def send_messages(self, email_messages):
            with psycopg.connect(
                host=db["HOST"],
                port=db["PORT"] or 5432,
                user=db["USER"],
                password=db["PASSWORD"],
                dbname=db["NAME"],
            ) as other:
                committed.append(
                    other.execute(
                        f"SELECT email_status, email_attempts FROM {Notification._meta.db_table}"  # noqa: S608
                        " WHERE id = %s",
                        [notification.pk],
                    ).fetchone()
                )
            return super().send_messages(email_messages)

    globals()["Reader"] = Reader
    with override_settings(EMAIL_BACKEND=f"{__name__}.Reader"), pytest.raises(Crash):
        notification_email_deliver(notification_id=notification.pk)

    assert committed == [("pending", 1)]
    assert status(notification) == ("pending", 1)


# --- preferences -----------------------------------------------------------------------------


def all_on() -> dict[str, bool]:
    """Every kind of every app (the marketplace's and the wallet's), e-mailed — but the
    moderators' decisions, which are always e-mailed and so have no preference."""
    return {kind.code: True for kind in email_optional_kinds(staff=False)}


@pytest.mark.django_db
def test_preferences_start_with_every_kind_emailed(user, user_client):
    response = user_client.get(PREFERENCES)

    assert response.status_code == 200
    assert response.json() == {"email": all_on()}
    assert "milestone_due_24h" in response.json()["email"]


@pytest.mark.django_db
def test_preferences_mute_kinds_and_a_muted_kind_is_not_emailed(
    user, user_client, django_capture_on_commit_callbacks
):
    response = user_client.put(
        PREFERENCES,
        {"email": {"bid_received": False, "milestone_due_24h": False, "gig_approved": True}},
        format="json",
    )

    assert response.status_code == 200
    expected = {**all_on(), "bid_received": False, "milestone_due_24h": False}
    assert response.json() == {"email": expected}
    user.refresh_from_db()
    assert user.email_muted_kinds == ["bid_received", "milestone_due_24h"]
    assert user_client.get(PREFERENCES).json() == {"email": expected}

    with django_capture_on_commit_callbacks(execute=True):
        notification = send_bid_notice(user)
    assert status(notification) == ("skipped", 0)
    assert mail.outbox == []


@pytest.mark.django_db
def test_preferences_list_each_notice_once_and_staff_only_kinds_to_staff_only(user, user_client):
    offered = user_client.get(PREFERENCES).json()["email"]

    assert "ledger_audit_failed" not in offered  # sent to staff only
    assert "milestone_overdue" in offered
    assert "milestone_overdue_client" not in offered
    assert "withdrawal_rejected" in offered
    assert "withdrawal_failed" not in offered

    staff = client_for(UserFactory(is_staff=True))
    assert "ledger_audit_failed" in staff.get(PREFERENCES).json()["email"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["ledger_audit_failed", "milestone_overdue_client"])
def test_preferences_refuse_a_kind_not_offered_and_change_nothing(user, user_client, kind):
    response = user_client.put(PREFERENCES, {"email": {kind: False}}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"]["email"][0].startswith(f"Unknown notice kinds: {kind}.")
    user.refresh_from_db()
    assert user.email_muted_kinds == []


@pytest.mark.django_db
def test_muting_a_preference_mutes_every_kind_it_covers(clock, django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="en", email_muted_kinds=["withdrawal_rejected"])

    with django_capture_on_commit_callbacks(execute=True):
        failed = notification_send(
            recipient_id=user.pk, kind="withdrawal_failed", key="withdrawal_failed:1", title="x"
        )
        other = notification_send(
            recipient_id=user.pk, kind="withdrawal_paid", key="withdrawal_paid:1", title="y"
        )

    assert status(failed) == ("skipped", 0)
    assert status(other) == ("sent", 1)


@pytest.mark.django_db
def test_preferences_put_replaces_the_whole_set(user, user_client):
    user.email_muted_kinds = ["bid_received", "gig_approved"]
    user.save(update_fields=["email_muted_kinds"])

    response = user_client.put(PREFERENCES, {"email": {}}, format="json")

    assert response.status_code == 200
    assert response.json() == {"email": all_on()}
    user.refresh_from_db()
    assert user.email_muted_kinds == []


@pytest.mark.django_db
def test_preferences_refuse_an_unknown_kind_and_change_nothing(user, user_client):
    user.email_muted_kinds = ["gig_approved"]
    user.save(update_fields=["email_muted_kinds"])

    response = user_client.put(
        PREFERENCES, {"email": {"bid_received": False, "spam": False}}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    [message] = body["fields"]["email"]
    assert message.startswith("Unknown notice kinds: spam. Known: auto_release_warning, ")
    assert body["message"]
    user.refresh_from_db()
    assert user.email_muted_kinds == ["gig_approved"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"email": []},
        {"email": {"bid_received": "perhaps"}},
        {"email": {}, "sms": {}},
    ],
    ids=["no email", "a list", "not a boolean", "an unknown field"],
)
def test_preferences_refuse_a_malformed_body(user, user_client, payload):
    response = user_client.put(PREFERENCES, payload, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    user.refresh_from_db()
    assert user.email_muted_kinds == []


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "put"])
def test_preferences_need_a_login(method):
    response = getattr(english_client(), method)(
        PREFERENCES, {"email": {}} if method == "put" else None, format="json"
    )

    assert response.status_code == 401


# --- the nightly ledger audit's alert ----------------------------------------------------------


def processor(**fields):
    """Staff who may process withdrawals, through a permission of their own."""
    member = UserFactory(is_staff=True, **fields)
    member.user_permissions.add(Permission.objects.get(codename="process_withdrawal"))
    return member


@pytest.fixture
def staff(db):
    group = Group.objects.create(name="Kasir")
    group.permissions.add(Permission.objects.get(codename="process_withdrawal"))
    by_group = UserFactory(is_staff=True, preferred_language="en")
    by_group.groups.add(group)
    told = {
        "superuser": UserFactory(is_staff=True, is_superuser=True, preferred_language="en"),
        "superuser (id)": UserFactory(is_staff=True, is_superuser=True, preferred_language="id"),
        "processor": processor(preferred_language="en"),
        "processor by group": by_group,
    }
    UserFactory(is_staff=True)  # staff without the permission
    UserFactory(is_staff=True, is_superuser=True, is_active=False)  # a former superuser
    return told


@pytest.mark.django_db
@override_settings(ADMINS=[("Ops", "ops@garap.test")])
def test_clean_books_alert_nobody(clock, staff):
    top_up(UserFactory(), 100_000)

    assert tasks.audit_ledger() == 0

    assert not Notification.objects.filter(kind="ledger_audit_failed").exists()
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.corrupts_ledger
@override_settings(ADMINS=[("Ops", "ops@garap.test")])
def test_a_failed_ledger_audit_alerts_staff_once_a_day_and_mails_the_admins(clock, staff):
    depositor = UserFactory()
    top_up(depositor, 100_000)
    wallet = Account.objects.get(reference=f"wallet:{depositor.pk}")
    Account.objects.filter(pk=wallet.pk).update(balance=100_001)  # the cache drifted by Rp 1
    problem = f"account {wallet.pk} caches 100001 but its entries sum to 100000"

    assert tasks.audit_ledger() == 1

    title_id = "Audit buku besar gagal: 1 masalah"
    title_en = "Ledger audit failed: 1 problem"
    body_en = f"{problem}. Run `manage.py ledger_audit` for the full list."
    rows = Notification.objects.filter(kind="ledger_audit_failed")
    assert sorted(rows.values_list("recipient", "title", "link", "key")) == sorted(
        (
            member.pk,
            title_id if member.preferred_language == "id" else title_en,
            "/admin/payments/",
            f"ledger_audit_failed:2025-03-03:{member.pk}",
        )
        for member in staff.values()
    )
    assert title_id != title_en
    assert rows.get(recipient=staff["superuser"]).body == body_en
    [alert] = mail.outbox
    assert alert.to == ["ops@garap.test"]
    assert alert.subject == "[Garap] Ledger audit failed: 1 problem"
    assert alert.body == problem

    # Later the same day in Jakarta (a re-run): no second notice and no second admin e-mail.
    clock.move_to(datetime(2025, 3, 3, 16, 59, 59, tzinfo=UTC))  # 23:59:59 in Jakarta
    assert tasks.audit_ledger() == 1
    assert rows.count() == 4
    assert len(mail.outbox) == 1

    clock.move_to(datetime(2025, 3, 3, 17, 0, tzinfo=UTC))  # midnight in Jakarta: a new day
    assert tasks.audit_ledger() == 1
    assert rows.count() == 8
    assert rows.filter(key__startswith="ledger_audit_failed:2025-03-04:").count() == 4
    assert len(mail.outbox) == 2

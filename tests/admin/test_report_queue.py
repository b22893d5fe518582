"""The report queue in the admin: who may see and act, the queue's order and figures, and the
four resolutions (dismiss, remove the content, warn, suspend) through ``report_resolve``."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import ModeratorAction, Notification, Suspension
from projects.models import ContractMessage, Gig, Report
from projects.selectors.moderation_reports import report_queue
from projects.services.reports import report_create, report_raise_automatically
from tests.accounts.factories import UserFactory
from tests.admin.helpers import assert_sent_to_login
from tests.projects.factories import ContractMessageFactory, GigFactory

A = ModeratorAction.Action
OUTCOME = Report.Outcome
ROLES = ["moderator", "plain_staff", "superuser", "ordinary"]
ALLOWED = {"moderator", "superuser"}
CHANGELIST = "/admin/projects/report/"


@pytest.fixture
def reported_gig(db) -> tuple[Gig, list[Report]]:
    """An open gig two people reported."""
    gig = GigFactory(title="Bayar di luar aplikasi saja")
    reports = [
        report_create(reporter=UserFactory(), target_type="gig", target_id=gig.pk, reason=reason)[0]
        for reason in (Report.Reason.OFF_PLATFORM_PAYMENT, Report.Reason.SCAM)
    ]
    return gig, reports


def act(client, action: str, reports, **form):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [r.pk for r in reports], **form}
    )


def states(reports) -> list[tuple[str, str]]:
    return [tuple(Report.objects.values_list("status", "outcome").get(pk=r.pk)) for r in reports]


def audit() -> Counter:
    return Counter(ModeratorAction.objects.values_list("action", "target_type", "target_id"))


# Per action: the form to send, the outcome, and the audit records one resolution writes.
ACTIONS = {
    "dismiss": ({"note": ""}, OUTCOME.DISMISSED, []),
    "remove_content": (
        {"note": "Meminta pembayaran di luar Garap."},
        OUTCOME.CONTENT_REMOVED,
        ["gig"],
    ),
    "warn_user": ({"note": "Jangan minta transfer langsung."}, OUTCOME.USER_WARNED, ["user"]),
    "suspend_user": (
        {"note": "Penipuan berulang.", "suspend_until": ""},
        OUTCOME.USER_SUSPENDED,
        ["user"],
    ),
}
SIDE_ACTION = {
    "remove_content": A.REMOVE_CONTENT,
    "warn_user": A.WARN_USER,
    "suspend_user": A.SUSPEND_USER,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_resolutions_by_role(as_role, reported_gig, role, action):
    gig, reports = reported_gig
    form, outcome, _side = ACTIONS[action]

    response = act(as_role(role), action, reports, apply="1", **form)

    gig.refresh_from_db()
    if role in ALLOWED:
        assert response.status_code == 302
        assert states(reports) == [("resolved", outcome)] * 2
        expected = Counter({(A.RESOLVE_REPORT, "projects.report", reports[0].pk): 1})
        if action == "remove_content":
            expected[(A.REMOVE_CONTENT, "projects.gig", gig.pk)] = 1
        if action in ("warn_user", "suspend_user"):
            expected[(SIDE_ACTION[action], "accounts.user", gig.client_id)] = 1
        assert audit() == expected
        assert (gig.hidden_reason == Gig.HiddenReason.REMOVED) == (action == "remove_content")
        assert Suspension.objects.filter(user=gig.client).exists() == (action == "suspend_user")
        kind = "report_dismissed" if action == "dismiss" else "report_actioned"
        told = Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True)
        assert sorted(told) == sorted(r.reporter_id for r in reports)
        return
    if role == "ordinary":
        assert_sent_to_login(response)
    else:
        assert response.status_code == 403
    assert states(reports) == [("open", "")] * 2
    assert (gig.hidden_at, gig.status) == (None, Gig.Status.OPEN)
    assert not Suspension.objects.exists()
    assert not ModeratorAction.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [("moderator", 200), ("superuser", 200), ("plain_staff", 403), ("finance", 403)],
)
def test_queue_pages_by_role(as_role, reported_gig, role, expected):
    report = reported_gig[1][0]
    client = as_role(role)

    assert client.get(CHANGELIST).status_code == expected
    assert client.get(f"{CHANGELIST}{report.pk}/change/").status_code == expected


def test_queue_pages_send_ordinary_users_to_the_login(as_role, reported_gig):
    report = reported_gig[1][0]
    client = as_role("ordinary")

    assert_sent_to_login(client.get(CHANGELIST))
    assert_sent_to_login(client.get(f"{CHANGELIST}{report.pk}/change/"))


def test_nobody_edits_a_report_by_hand(as_role, reported_gig):
    report = reported_gig[1][0]
    client = as_role("superuser")

    edit = client.post(f"{CHANGELIST}{report.pk}/change/", {"status": "resolved"})

    assert edit.status_code == 403
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{report.pk}/delete/", {"post": "yes"}).status_code == 403
    assert states([report]) == [("open", "")]


# --- the forms --------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["remove_content", "warn_user", "suspend_user"])
def test_a_resolution_that_tells_the_user_needs_a_reason(as_role, reported_gig, action):
    reports = reported_gig[1]

    response = act(as_role("moderator"), action, reports, apply="1", note=" ")

    assert response.status_code == 200
    assert response.context["form"].errors == {"note": ["This field is required."]}
    assert states(reports) == [("open", "")] * 2
    assert not ModeratorAction.objects.exists()


def test_suspend_until_a_date(as_role, reported_gig, time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 3, 0, tzinfo=UTC), tick=False)
    gig, reports = reported_gig

    response = act(
        as_role("moderator"),
        "suspend_user",
        reports[:1],
        apply="1",
        note="Penipuan.",
        suspend_until="2026-03-09T10:00",  # Jakarta time
    )

    assert response.status_code == 302
    [suspension] = Suspension.objects.filter(user=gig.client)
    assert suspension.ends_at == datetime(2026, 3, 9, 3, 0, tzinfo=UTC)
    assert states(reports) == [("resolved", OUTCOME.USER_SUSPENDED)] * 2


def test_suspend_until_a_past_date_is_refused(as_role, reported_gig):
    reports = reported_gig[1]
    past = timezone.localtime(timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = act(
        as_role("moderator"),
        "suspend_user",
        reports,
        apply="1",
        note="Penipuan.",
        suspend_until=past,
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "suspend_until": ["The end must be in the future, or empty."]
    }
    assert not Suspension.objects.exists()
    assert not ModeratorAction.objects.exists()


def test_dismiss_first_shows_its_form(as_role, reported_gig):
    response = act(as_role("moderator"), "dismiss", reported_gig[1])

    assert response.status_code == 200
    assert list(response.context["form"].fields) == ["note"]
    assert states(reported_gig[1]) == [("open", "")] * 2


# --- the queue --------------------------------------------------------------------------------


def test_queue_lists_open_reports_first_oldest_first_with_counts(db, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    gig = GigFactory(title="Logo murah meriah")
    first = report_create(
        reporter=UserFactory(), target_type="gig", target_id=gig.pk, reason="spam"
    )[0]
    time_machine.move_to(start + timedelta(hours=1), tick=False)
    message = ContractMessageFactory(body="Transfer langsung ke rekening saya ya")
    on_message = report_create(
        reporter=message.contract.freelancer,
        target_type="message",
        target_id=message.pk,
        reason="off_platform_payment",
    )[0]
    time_machine.move_to(start + timedelta(hours=2), tick=False)
    second = report_create(
        reporter=UserFactory(), target_type="gig", target_id=gig.pk, reason="scam"
    )[0]
    automatic = report_raise_automatically(user=message.sender, note="Kontak berulang.")
    Report.objects.filter(pk=first.pk).update(status="resolved", outcome="dismissed")

    rows = list(report_queue())

    assert rows == [on_message, second, automatic, first]
    assert [row.open_on_object for row in rows] == [1, 1, 1, 1]
    assert [row.target_summary for row in rows] == [
        "Transfer langsung ke rekening saya ya",
        "Logo murah meriah",
        message.sender.username,
        "Logo murah meriah",
    ]


def test_open_on_object_counts_every_open_report_on_it(reported_gig):
    assert [row.open_on_object for row in report_queue()] == [2, 2]


def test_changelist_names_the_target_and_the_automatic_reporter(as_role):
    message = ContractMessageFactory(body="WA saya 0812 3456 7890")
    report_raise_automatically(user=message.sender, note="Kontak berulang.")
    gig = GigFactory(title="Desain brosur")
    report_create(reporter=UserFactory(), target_type="gig", target_id=gig.pk, reason="spam")

    html = as_role("moderator").get(CHANGELIST).content.decode()

    assert "Garap (automatic)" in html
    assert f'href="/admin/projects/gig/{gig.pk}/change/"' in html
    assert "Desain brosur" in html


def test_change_page_shows_the_reported_content_and_the_buttons(as_role):
    message = ContractMessageFactory(body="Transfer langsung ke rekening BCA saya")
    report = report_create(
        reporter=message.contract.freelancer,
        target_type="message",
        target_id=message.pk,
        reason="off_platform_payment",
    )[0]

    page = as_role("moderator").get(f"{CHANGELIST}{report.pk}/change/")

    html = page.content.decode()
    assert "Transfer langsung ke rekening BCA saya" in html
    for action in ("dismiss", "remove_content", "warn_user", "suspend_user"):
        assert f'value="{action}"' in html


def test_removing_a_message_hides_it_and_keeps_it(as_role):
    message = ContractMessageFactory(body="Transfer langsung ke rekening BCA saya")
    report = report_create(
        reporter=message.contract.freelancer,
        target_type="message",
        target_id=message.pk,
        reason="off_platform_payment",
    )[0]

    act(
        as_role("moderator"),
        "remove_content",
        [report],
        apply="1",
        note="Pembayaran di luar Garap.",
    )

    message = ContractMessage.objects.get(pk=message.pk)
    assert message.removed_at is not None
    assert message.body == "Transfer langsung ke rekening BCA saya"
    assert audit() == Counter(
        {
            (A.RESOLVE_REPORT, "projects.report", report.pk): 1,
            (A.REMOVE_CONTENT, "projects.contractmessage", message.pk): 1,
        }
    )


def test_filters_and_search(as_role, reported_gig):
    reports = reported_gig[1]
    automatic = report_raise_automatically(user=UserFactory(username="penipu9"), note="Kontak.")
    client = as_role("moderator")

    def listed(query: str) -> list[int]:
        response = client.get(CHANGELIST + query)
        assert response.status_code == 200
        return sorted(report.pk for report in response.context["cl"].result_list)

    assert listed("?target_type__exact=profile") == [automatic.pk]
    assert listed("?reason__exact=scam") == [reports[1].pk]
    assert listed("?q=penipu9") == [automatic.pk]
    assert listed(f"?q={reports[0].reporter.username}") == [reports[0].pk]
    assert listed("?state=open") == sorted([*[r.pk for r in reports], automatic.pk])
    assert listed("?state=dismissed") == []

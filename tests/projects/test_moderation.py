"""Trust and safety through the services and the API: reports, content removal, warnings,
suspensions and the audit record each moderator action leaves.

The admin screens that call these services are tested in tests/admin/.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from accounts.models import ModeratorAction, Notification, PortfolioItem, Suspension
from accounts.services import profiles as profile_services
from marketplace.append_only import AppendOnlyError
from marketplace.errors import Conflict, DomainError, NotFound, PermissionDenied
from payments.models import Account, Withdrawal
from payments.services.withdrawals import (
    withdrawal_mark_paid,
    withdrawal_reject,
    withdrawal_request,
)
from projects.models import Bid, Contract, ContractMessage, Gig, Milestone, Report, Review
from projects.selectors.moderation import contracts_with_suspended_party
from projects.services import gigs as gig_services
from projects.services import milestones as milestone_services
from projects.services import reports, suspensions
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.matrix import moderators_group
from tests.payments.factories import verified
from tests.projects.factories import (
    BidFactory,
    CategoryFactory,
    ContractFactory,
    ContractMessageFactory,
    GigFactory,
    top_up,
)

START = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
A = ModeratorAction.Action


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mod.ani", is_staff=True)
    user.groups.add(moderators_group())
    return user


def audit_kinds() -> Counter:
    return Counter(ModeratorAction.objects.values_list("action", flat=True))


def notice_kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def report(user, body: dict):
    return client_for(user).post("/api/v1/reports/", body, format="json")


def balance(user) -> int:
    account = Account.objects.filter(reference=f"wallet:{user.pk}").first()
    return account.balance if account else 0


# --- reporting ---------------------------------------------------------------------------------


def test_a_second_report_by_the_same_person_on_the_same_gig_is_the_same_report(db):
    gig, reporter = GigFactory(), UserFactory()
    first = report(reporter, {"target_type": "gig", "target_id": gig.pk, "reason": "scam"})
    again = report(
        reporter, {"target_type": "gig", "target_id": gig.pk, "reason": "spam", "note": "lagi"}
    )
    assert first.status_code == 201, first.json()
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["reason"] == "scam"  # the first report stands as it was
    assert Report.objects.count() == 1
    other = report(UserFactory(), {"target_type": "gig", "target_id": gig.pk, "reason": "spam"})
    assert other.status_code == 201
    assert Report.objects.filter(target_user=gig.client).count() == 2


def test_reporting_what_one_cannot_see_is_404_and_records_nothing(db):
    stranger = UserFactory()
    bid = BidFactory()  # sealed: only its freelancer and the gig's client see it
    message = ContractMessageFactory()  # a thread the stranger is no party to
    hidden = GigFactory(status=Gig.Status.DRAFT)
    for body in (
        {"target_type": "bid", "target_id": bid.pk, "reason": "spam"},
        {"target_type": "message", "target_id": message.pk, "reason": "abuse"},
        {"target_type": "gig", "target_id": hidden.pk, "reason": "spam"},
        {"target_type": "gig", "target_id": 999_999, "reason": "spam"},
        {"target_type": "profile", "username": "nobody.here", "reason": "spam"},
    ):
        response = report(stranger, body)
        assert response.status_code == 404, (body, response.json())
    assert Report.objects.count() == 0


def test_one_cannot_report_ones_own_content(db):
    gig = GigFactory()
    response = report(gig.client, {"target_type": "gig", "target_id": gig.pk, "reason": "spam"})
    assert response.status_code == 409
    assert response.json()["code"] == "own_content"
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target_type": "gig", "reason": "spam"}, "target_id"),
        ({"target_type": "profile", "reason": "spam"}, "username"),
        ({"target_type": "gig", "target_id": 1, "reason": "boring"}, "reason"),
        ({"target_type": "invoice", "target_id": 1, "reason": "spam"}, "target_type"),
        ({"target_type": "gig", "target_id": "1", "reason": "spam"}, "target_id"),
        ({"target_type": "gig", "target_id": 1, "reason": "spam", "extra": 1}, "extra"),
    ],
)
def test_bad_report_requests_are_400_naming_the_field(db, body, field):
    response = report(UserFactory(), body)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert Report.objects.count() == 0


def test_anyone_may_report_a_profile_by_username_and_list_their_own_reports(db, api_client):
    reported, reporter = UserFactory(username="joko.spam"), UserFactory()
    response = report(
        reporter, {"target_type": "profile", "username": "JOKO.SPAM", "reason": "spam"}
    )
    assert response.status_code == 201
    assert response.json()["target_id"] == reported.pk
    report(UserFactory(), {"target_type": "profile", "username": "joko.spam", "reason": "scam"})
    mine = client_for(reporter).get("/api/v1/reports/").json()["results"]
    assert [r["id"] for r in mine] == [response.json()["id"]]
    assert api_client.get("/api/v1/reports/").status_code == 401
    assert api_client.post("/api/v1/reports/", {}, format="json").status_code == 401


# --- resolving ---------------------------------------------------------------------------------


def _two_reports_on_a_gig():
    gig = GigFactory(client=UserFactory(preferred_language="id"))
    indonesian = UserFactory(preferred_language="id")
    english = UserFactory(preferred_language="en")
    first, _ = reports.report_create(
        reporter=indonesian, target_type="gig", target_id=gig.pk, reason="scam"
    )
    reports.report_create(reporter=english, target_type="gig", target_id=gig.pk, reason="spam")
    return gig, first, indonesian, english


def test_removing_reported_content_settles_every_report_and_tells_each_person(
    moderator, api_client
):
    gig, first, indonesian, english = _two_reports_on_a_gig()
    reports.report_resolve(
        report_id=first.pk,
        moderator=moderator,
        outcome="content_removed",
        note="Penipuan: meminta bayaran di muka",
    )
    assert set(Report.objects.values_list("status", "outcome")) == {("resolved", "content_removed")}
    gig.refresh_from_db()
    assert gig.hidden_reason == Gig.HiddenReason.REMOVED
    assert gig.status == Gig.Status.OPEN  # hidden, not deleted nor closed
    assert api_client.get(f"/api/v1/gigs/{gig.pk}/").status_code == 404
    assert api_client.get("/api/v1/gigs/").json()["results"] == []
    assert client_for(gig.client).get(f"/api/v1/gigs/{gig.pk}/").status_code == 200
    assert client_for(moderator).get(f"/api/v1/gigs/{gig.pk}/").status_code == 200
    # Each reporter is told, in their own language; the author is told why.
    told_id = Notification.objects.get(recipient=indonesian)
    told_en = Notification.objects.get(recipient=english)
    assert told_id.kind == told_en.kind == "report_actioned"
    assert "konten dihapus" in told_id.body.lower()
    assert "content removed" in told_en.body
    removed = Notification.objects.get(recipient=gig.client, kind="content_removed")
    assert "Penipuan" in removed.body
    assert audit_kinds() == Counter({A.REMOVE_CONTENT: 1, A.RESOLVE_REPORT: 1})


def test_dismissing_changes_nothing_but_the_reports(moderator):
    gig, first, indonesian, english = _two_reports_on_a_gig()
    reports.report_resolve(report_id=first.pk, moderator=moderator, outcome="dismissed")
    gig.refresh_from_db()
    assert gig.hidden_at is None
    assert notice_kinds(indonesian) == notice_kinds(english) == ["report_dismissed"]
    assert notice_kinds(gig.client) == []
    assert audit_kinds() == Counter({A.RESOLVE_REPORT: 1})
    # Resolved again: nothing more happens, no second record.
    reports.report_resolve(report_id=first.pk, moderator=moderator, outcome="content_removed")
    assert audit_kinds() == Counter({A.RESOLVE_REPORT: 1})
    # Once resolved, the same person may report the object again.
    _again, created = reports.report_create(
        reporter=indonesian, target_type="gig", target_id=gig.pk, reason="scam"
    )
    assert created


def test_a_warning_tells_the_user_and_is_on_their_record(moderator):
    gig, first, *_ = _two_reports_on_a_gig()
    reports.report_resolve(
        report_id=first.pk, moderator=moderator, outcome="user_warned", note="Judul menyesatkan"
    )
    assert "user_warned" in notice_kinds(gig.client)
    warning = ModeratorAction.objects.get(action=A.WARN_USER)
    assert (warning.target_type, warning.target_id) == ("accounts.user", gig.client_id)
    assert audit_kinds() == Counter({A.WARN_USER: 1, A.RESOLVE_REPORT: 1})


def test_suspending_through_a_report_hides_the_users_open_gigs(moderator, clock):
    gig, first, *_ = _two_reports_on_a_gig()
    until = START + timedelta(days=7)
    reports.report_resolve(
        report_id=first.pk,
        moderator=moderator,
        outcome="user_suspended",
        note="Penipuan berulang",
        suspend_until=until,
    )
    suspension = Suspension.objects.get(user=gig.client)
    assert suspension.ends_at == until
    gig.refresh_from_db()
    assert gig.hidden_reason == Gig.HiddenReason.SUSPENDED
    assert audit_kinds() == Counter({A.SUSPEND_USER: 1, A.RESOLVE_REPORT: 1})


@pytest.mark.parametrize("who", ["plain_staff", "ordinary", "finance"])
def test_only_moderators_resolve_reports(db, who):
    from django.contrib.auth.models import Group

    from accounts.roles import FINANCE, ensure_role_groups

    ensure_role_groups()
    user = UserFactory(is_staff=who != "ordinary")
    if who == "finance":
        user.groups.add(Group.objects.get(name=FINANCE))
    _gig, first, *_ = _two_reports_on_a_gig()
    for outcome in Report.Outcome.values:
        with pytest.raises(PermissionDenied):
            reports.report_resolve(report_id=first.pk, moderator=user, outcome=outcome, note="x")
    assert set(Report.objects.values_list("status", flat=True)) == {"open"}
    assert ModeratorAction.objects.count() == 0
    assert Suspension.objects.count() == 0


def test_an_outcome_against_a_user_needs_a_reason_they_can_read(moderator):
    _gig, first, *_ = _two_reports_on_a_gig()
    for outcome in ("content_removed", "user_warned", "user_suspended"):
        with pytest.raises(DomainError) as error:
            reports.report_resolve(report_id=first.pk, moderator=moderator, outcome=outcome)
        assert error.value.fields == {"note": ["Required for this outcome."]}
    assert set(Report.objects.values_list("status", flat=True)) == {"open"}
    assert ModeratorAction.objects.count() == 0


# --- removing each kind of content --------------------------------------------------------------


def test_a_removed_bid_leaves_the_clients_list_and_can_no_longer_be_accepted(moderator):
    bid = BidFactory()
    Gig.objects.filter(pk=bid.gig_id).update(bid_count=1)
    reports.content_remove(moderator=moderator, target_type="bid", target_id=bid.pk, reason="Spam")
    bid.refresh_from_db()
    assert bid.status == Bid.Status.WITHDRAWN
    assert bid.removed_at is not None
    assert Gig.objects.get(pk=bid.gig_id).bid_count == 0
    client_view = client_for(bid.gig.client).get(f"/api/v1/gigs/{bid.gig_id}/bids/").json()
    assert client_view["results"] == []
    assert client_for(bid.gig.client).get(f"/api/v1/bids/{bid.pk}/").status_code == 404
    mine = client_for(bid.freelancer).get(f"/api/v1/bids/{bid.pk}/")
    assert mine.status_code == 200  # its author still sees it
    accept = client_for(bid.gig.client).post(f"/api/v1/bids/{bid.pk}/accept/", format="json")
    assert accept.status_code == 404
    assert not Contract.objects.exists()


def test_a_removed_portfolio_item_and_profile_are_shown_to_their_owner_only(moderator, api_client):
    owner = UserFactory(username="joko.porto")
    profile_services.freelancer_profile_update(user=owner, headline="Desainer logo murah")
    item = PortfolioItem.objects.create(owner=owner, title="Logo curian")
    for target_type, target_id in (("portfolio_item", item.pk), ("profile", owner.pk)):
        reports.content_remove(
            moderator=moderator, target_type=target_type, target_id=target_id, reason="Plagiat"
        )
    assert api_client.get(f"/api/v1/portfolio-items/{item.pk}/").status_code == 404
    assert client_for(owner).get(f"/api/v1/portfolio-items/{item.pk}/").status_code == 200
    assert api_client.get("/api/v1/freelancers/joko.porto/").status_code == 404
    assert api_client.get("/api/v1/freelancers/").json()["results"] == []
    assert Counter(notice_kinds(owner)) == Counter({"content_removed": 2})
    assert audit_kinds() == Counter({A.REMOVE_CONTENT: 2})


def test_a_removed_review_leaves_the_lists_and_the_rating(moderator, api_client):
    contract = ContractFactory(status=Contract.Status.COMPLETED)
    review = Review.objects.create(
        contract=contract,
        author=contract.client,
        subject=contract.freelancer,
        subject_role=Review.Subject.FREELANCER,
        quality=1,
        communication=1,
        value=1,
        comment="Kata-kata kasar di sini",
        revealed_at=START,
    )
    url = f"/api/v1/freelancers/{contract.freelancer.username}/reviews/"
    assert len(api_client.get(url).json()["results"]) == 1
    reports.content_remove(
        moderator=moderator, target_type="review", target_id=review.pk, reason="Kasar"
    )
    assert api_client.get(url).json()["results"] == []
    from projects.reputation.calculation import freelancer_figures

    figures = freelancer_figures(user_id=contract.freelancer_id, now=START, prior=None)
    assert figures.rating_count == 0


def test_removing_twice_changes_nothing_more(moderator):
    gig = GigFactory()
    for _ in range(2):
        reports.content_remove(moderator=moderator, target_type="gig", target_id=gig.pk, reason="x")
    assert audit_kinds() == Counter({A.REMOVE_CONTENT: 1})
    assert notice_kinds(gig.client) == ["content_removed"]


# --- suspensions -------------------------------------------------------------------------------


@pytest.fixture
def busy_user(db, clock):
    """A user with an open gig of their own, a live bid on someone else's gig, and a contract
    as freelancer whose milestone they delivered (funded Rp 120.000)."""
    user = UserFactory(username="sus.pect")
    own_gig = GigFactory(client=user)
    bid = BidFactory(freelancer=user)
    Gig.objects.filter(pk=bid.gig_id).update(bid_count=1)
    contract = ContractFactory(freelancer=user, bid__amount=120_000, bid__freelancer=user)
    top_up(contract.client, 200_000)
    milestone = contract.milestones.get()
    milestone_services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    milestone_services.milestone_submit(milestone_id=milestone.pk, actor=user, note="Selesai.")
    return user, own_gig, bid, contract


def test_a_suspended_user_cannot_post_bid_message_or_withdraw(moderator, busy_user):
    user, _own_gig, _bid, contract = busy_user
    suspensions.suspension_create(moderator=moderator, user_id=user.pk, reason="Penipuan")
    bids_before, gigs_before = Bid.objects.count(), Gig.objects.count()
    api = client_for(user)
    attempts = {
        "post": api.post(
            "/api/v1/gigs/",
            {
                "title": "Desain banner promo",
                "description": "Banner untuk promo akhir tahun toko kami, dua ukuran.",
                "category": CategoryFactory().pk,
                "budget": 150_000,
                "bidding_deadline": (START + timedelta(days=2)).isoformat(),
                "delivery_deadline": (START + timedelta(days=9)).isoformat(),
            },
            format="json",
        ),
        "bid": api.post(
            f"/api/v1/gigs/{GigFactory().pk}/bids/",
            {"amount": 120_000, "delivery_days": 3, "cover_letter": "Saya siap mengerjakan ini."},
            format="json",
        ),
        "message": api.post(
            f"/api/v1/contracts/{contract.pk}/messages/", {"body": "Halo"}, format="json"
        ),
        "withdraw": api.post(
            "/api/v1/wallet/withdrawals/",
            {
                "amount": 50_000,
                "method": "bank",
                "bank_code": "BCA",
                "account_number": "1234567890",
                "holder_name": "Sus Pect",
            },
            format="json",
            HTTP_IDEMPOTENCY_KEY="w-1",
        ),
    }
    for what, response in attempts.items():
        assert response.status_code == 403, (what, response.json())
        assert response.json()["code"] == "suspended", what
    assert not ContractMessage.objects.exists()
    assert (Bid.objects.count(), Gig.objects.count()) == (bids_before, gigs_before + 1)
    assert not Withdrawal.objects.exists()


def test_suspending_hides_gigs_withdraws_bids_and_lists_contracts_but_pays_approved_work(
    moderator, busy_user, api_client
):
    user, own_gig, bid, contract = busy_user
    suspension = suspensions.suspension_create(
        moderator=moderator, user_id=user.pk, reason="Penipuan"
    )
    own_gig.refresh_from_db()
    bid.refresh_from_db()
    assert own_gig.hidden_reason == Gig.HiddenReason.SUSPENDED
    assert api_client.get(f"/api/v1/gigs/{own_gig.pk}/").status_code == 404
    assert bid.status == Bid.Status.WITHDRAWN
    assert Gig.objects.get(pk=bid.gig_id).bid_count == 0
    assert "bid_withdrawn" in notice_kinds(bid.gig.client)
    assert "account_suspended" in notice_kinds(user)
    assert list(contracts_with_suspended_party()) == [contract]
    # The client approves the delivered work: the money is released to the suspended freelancer.
    milestone = contract.milestones.get()
    milestone_services.milestone_release(milestone_id=milestone.pk, actor=contract.client)
    assert Milestone.objects.get(pk=milestone.pk).status == Milestone.Status.RELEASED
    assert balance(user) == 108_000
    with pytest.raises(PermissionDenied):
        withdrawal_request(
            user=verified(user),
            amount=50_000,
            method="bank",
            bank_code="BCA",
            account_number="1234567890",
            holder_name="Sus Pect",
        )
    # Lifting shows the gig again and lets the earned money out; the bid stays withdrawn.
    suspensions.suspension_lift(moderator=moderator, suspension_id=suspension.pk, reason="Banding")
    own_gig.refresh_from_db()
    assert own_gig.hidden_at is None
    assert own_gig.hidden_reason == ""
    assert api_client.get(f"/api/v1/gigs/{own_gig.pk}/").status_code == 200
    assert Bid.objects.get(pk=bid.pk).status == Bid.Status.WITHDRAWN
    assert list(contracts_with_suspended_party()) == []
    withdrawal_request(
        user=verified(user),
        amount=50_000,
        method="bank",
        bank_code="BCA",
        account_number="1234567890",
        holder_name="Sus Pect",
    )
    assert balance(user) == 58_000
    assert audit_kinds() == Counter({A.SUSPEND_USER: 1, A.LIFT_SUSPENSION: 1})
    assert "suspension_lifted" in notice_kinds(user)


def test_a_gig_a_moderator_removed_stays_hidden_when_the_suspension_is_lifted(moderator, busy_user):
    user, own_gig, *_ = busy_user
    reports.content_remove(moderator=moderator, target_type="gig", target_id=own_gig.pk, reason="x")
    suspension = suspensions.suspension_create(moderator=moderator, user_id=user.pk, reason="y")
    suspensions.suspension_lift(moderator=moderator, suspension_id=suspension.pk, reason="z")
    own_gig.refresh_from_db()
    assert own_gig.hidden_reason == Gig.HiddenReason.REMOVED


def test_a_suspension_ends_by_itself_and_the_sweep_restores_once(moderator, busy_user, clock):
    user, own_gig, *_ = busy_user
    suspensions.suspension_create(
        moderator=moderator, user_id=user.pk, reason="Spam", ends_at=START + timedelta(days=3)
    )
    assert suspensions.suspensions_restore_ended() == 0  # not yet
    clock.move_to(START + timedelta(days=3, seconds=1), tick=False)
    assert suspensions.suspensions_restore_ended() == 1
    assert suspensions.suspensions_restore_ended() == 0
    own_gig.refresh_from_db()
    assert own_gig.hidden_at is None
    assert notice_kinds(user).count("suspension_ended") == 1
    assert audit_kinds() == Counter({A.SUSPEND_USER: 1})  # the end is not a moderator's act


def test_suspension_refusals_change_nothing(moderator, busy_user):
    user, own_gig, *_ = busy_user
    with pytest.raises(DomainError):
        suspensions.suspension_create(
            moderator=moderator, user_id=user.pk, reason="x", ends_at=START - timedelta(hours=1)
        )
    with pytest.raises(DomainError):
        suspensions.suspension_create(moderator=moderator, user_id=user.pk, reason=" ")
    with pytest.raises(PermissionDenied):
        suspensions.suspension_create(moderator=moderator, user_id=moderator.pk, reason="x")
    with pytest.raises(PermissionDenied):
        suspensions.suspension_create(
            moderator=UserFactory(is_staff=True), user_id=user.pk, reason="x"
        )
    with pytest.raises(NotFound):
        suspensions.suspension_create(moderator=moderator, user_id=987_654, reason="x")
    assert not Suspension.objects.exists()
    assert Gig.objects.get(pk=own_gig.pk).hidden_at is None
    suspensions.suspension_create(moderator=moderator, user_id=user.pk, reason="x")
    with pytest.raises(Conflict):
        suspensions.suspension_create(moderator=moderator, user_id=user.pk, reason="again")
    assert Suspension.objects.count() == 1
    # Suspending oneself is the one refusal recorded: staff acting on their own account.
    assert audit_kinds() == Counter({A.SUSPEND_USER: 1, A.REFUSED_AS_PARTY: 1})


# --- the audit log -------------------------------------------------------------------------------


@override_settings(GIG_MODERATION="all")
def test_every_moderator_action_writes_exactly_one_record(moderator, clock):
    """Approve, reject, resolve a dispute, mark a withdrawal paid or rejected: one record each,
    naming who, what, which object and why."""
    from django.contrib.auth.models import Group

    from accounts.roles import FINANCE

    moderator.groups.add(Group.objects.get(name=FINANCE))
    pending = [GigFactory(status=Gig.Status.PENDING_REVIEW) for _ in range(2)]
    gig_services.gig_approve(gig_id=pending[0].pk, moderator=moderator)
    gig_services.gig_reject(gig_id=pending[1].pk, moderator=moderator, reason="Kategori salah")
    contract = ContractFactory(bid__amount=200_000)
    top_up(contract.client, 200_000)
    milestone = contract.milestones.get()
    milestone_services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    milestone_services.milestone_dispute(
        milestone_id=milestone.pk, actor=contract.client, reason="Tidak dikirim"
    )
    milestone_services.milestone_resolve(
        milestone_id=milestone.pk,
        moderator=moderator,
        freelancer_amount=150_000,
        note="Tiga perempat",
    )
    freelancer = contract.freelancer
    withdrawals = [
        withdrawal_request(
            user=verified(freelancer),
            amount=60_000,
            method="bank",
            bank_code="BCA",
            account_number="1234567890",
            holder_name="F",
        )
        for _ in range(2)
    ]
    withdrawal_mark_paid(withdrawal_id=withdrawals[0].pk, staff=moderator)
    withdrawal_reject(withdrawal_id=withdrawals[1].pk, staff=moderator, reason="Nama tidak cocok")
    # Repeats of the same actions are no-ops and write nothing.
    gig_services.gig_approve(gig_id=pending[0].pk, moderator=moderator)
    withdrawal_mark_paid(withdrawal_id=withdrawals[0].pk, staff=moderator)
    records = {r.action: r for r in ModeratorAction.objects.all()}
    assert audit_kinds() == Counter(
        {
            A.APPROVE_GIG: 1,
            A.REJECT_GIG: 1,
            A.RESOLVE_DISPUTE: 1,
            A.MARK_WITHDRAWAL_PAID: 1,
            A.REJECT_WITHDRAWAL: 1,
        }
    )
    assert records[A.REJECT_GIG].reason == "Kategori salah"
    assert (records[A.REJECT_GIG].target_type, records[A.REJECT_GIG].target_id) == (
        "projects.gig",
        pending[1].pk,
    )
    assert records[A.RESOLVE_DISPUTE].details["freelancer_amount"] == 150_000
    assert records[A.REJECT_WITHDRAWAL].target_type == "payments.withdrawal"
    assert all(r.moderator_id == moderator.pk for r in records.values())


def test_a_refused_action_writes_no_record(moderator):
    draft, live = GigFactory(status=Gig.Status.DRAFT), GigFactory(status=Gig.Status.OPEN)
    with pytest.raises(Conflict):
        gig_services.gig_approve(gig_id=draft.pk, moderator=moderator)
    with pytest.raises(DomainError):
        gig_services.gig_reject(gig_id=live.pk, moderator=moderator, reason="  ")
    with pytest.raises(PermissionDenied):
        gig_services.gig_reject(gig_id=live.pk, moderator=UserFactory(is_staff=True), reason="x")
    assert ModeratorAction.objects.count() == 0


def test_audit_records_cannot_be_changed_or_deleted(moderator):
    reports.user_warn(moderator=moderator, user_id=UserFactory().pk, reason="x")
    record = ModeratorAction.objects.get()
    record.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        ModeratorAction.objects.update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        ModeratorAction.objects.all().delete()
    assert ModeratorAction.objects.get().reason == "x"

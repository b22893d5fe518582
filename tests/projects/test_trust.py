"""Reputation cannot be inflated with a sock client: a contract whose parties signed in from
the same place, withdrew to the same account or sent the same money round has its reviews held
out of the reputation until a moderator clears it (then they count) or confirms it (they never
count, and both accounts are warned or suspended)."""

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import FreelancerProfile, ModeratorAction, Notification, SignIn, Suspension
from accounts.roles import MODERATORS, ensure_role_groups
from accounts.services import fingerprint, sign_in_record
from accounts.staff_policy import StaffIsParty
from payments.services.withdrawals import withdrawal_request
from projects.models import Review, TrustCheck
from projects.reputation.services import reputation_recalculate_all
from projects.services.trust import trust_check_clear, trust_check_confirm, trust_checks_recent
from tests.accounts.factories import PASSWORD, UserFactory
from tests.conftest import client_for
from tests.contracts import complete
from tests.payments.factories import verified
from tests.projects.factories import ContractFactory, top_up
from tests.races import row_lock, within

START = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)
HOME = "203.0.113.7"  # documentation addresses (RFC 5737)
ELSEWHERE = "198.51.100.20"


@pytest.fixture
def completed(db, time_machine):
    """A paid, completed Rp 120.000 contract (nobody reviewed yet)."""
    time_machine.move_to(START, tick=False)
    return complete(ContractFactory(bid__amount=120_000), time_machine, note="Selesai.")


@pytest.fixture
def moderator(db):
    ensure_role_groups()
    user = UserFactory(username="moderator1", is_staff=True)
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


def log_in_over_the_api(user, address: str) -> None:
    response = Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def review_both(contract, capture, stars: int = 5) -> None:
    body = {"quality": stars, "communication": stars, "value": stars, "comment": "Mantap."}
    url = f"/api/v1/contracts/{contract.pk}/reviews/"
    assert client_for(contract.client).post(url, body, format="json").status_code == 201
    with capture(execute=True):  # the reveal's debounced recalculation runs on commit
        assert client_for(contract.freelancer).post(url, body, format="json").status_code == 201


def figures(user) -> tuple:
    profile = FreelancerProfile.objects.get(user=user)
    return profile.rating, profile.rating_count


# --- what is recorded -----------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_ins_keep_only_a_keyed_hash_of_the_address(settings):
    user = UserFactory()

    log_in_over_the_api(user, HOME)

    row = SignIn.objects.get(user=user)
    assert row.kind == SignIn.Kind.LOGIN
    assert row.address_hash == fingerprint("address", HOME)
    assert len(row.address_hash) == 64
    assert HOME not in str(SignIn.objects.filter(user=user).values().get())
    settings.SECRET_KEY = "another-site-another-key-" + "x" * 40
    assert fingerprint("address", HOME) != row.address_hash  # keyed: not a plain SHA-256


@pytest.mark.django_db
def test_api_logins_from_one_place_make_one_row_and_no_browser_cookie():
    user = UserFactory()
    for _ in range(3):
        response = Client(REMOTE_ADDR=HOME).post(
            "/api/v1/auth/token/",
            {"username": user.username, "password": PASSWORD},
            content_type="application/json",
        )
        assert "garap_device" not in response.cookies

    assert SignIn.objects.filter(user=user).count() == 1
    assert SignIn.objects.get(user=user).device_hash == ""


@pytest.mark.django_db
def test_a_page_login_records_the_address_and_gives_the_browser_an_id():
    user = UserFactory()
    browser = Client(REMOTE_ADDR=HOME)

    response = browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    device = response.cookies["garap_device"]
    assert device["httponly"]
    row = SignIn.objects.get(user=user)
    assert row.address_hash == fingerprint("address", HOME)
    assert row.device_hash == fingerprint("device", device.value)


@pytest.mark.django_db
def test_signing_up_over_the_api_records_a_sign_up():
    response = Client(REMOTE_ADDR=HOME).post(
        "/api/v1/auth/register/",
        {"username": "baru.daftar", "email": "baru@example.com", "password": PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert list(SignIn.objects.values_list("kind", "address_hash")) == [
        ("signup", fingerprint("address", HOME))
    ]


# --- the reputation: held until a moderator clears -----------------------------------------


@pytest.mark.django_db
def test_a_normal_pairs_reviews_count_at_once(completed, django_capture_on_commit_callbacks):
    log_in_over_the_api(completed.client, HOME)
    log_in_over_the_api(completed.freelancer, ELSEWHERE)

    review_both(completed, django_capture_on_commit_callbacks)

    assert figures(completed.freelancer) == (Decimal("5.000"), 1)
    assert not TrustCheck.objects.exists()
    assert Review.objects.filter(held_at__isnull=False).count() == 0


@pytest.mark.django_db
def test_a_sock_pairs_reviews_do_not_move_the_reputation_until_cleared(
    completed, moderator, django_capture_on_commit_callbacks
):
    log_in_over_the_api(completed.client, HOME)
    log_in_over_the_api(completed.freelancer, HOME)

    review_both(completed, django_capture_on_commit_callbacks)

    check = TrustCheck.objects.get(contract=completed)
    assert (check.status, check.signals) == ("held", ["shared_address"])
    assert Review.objects.filter(contract=completed, held_at__isnull=True).count() == 0
    assert figures(completed.freelancer) == (None, 0)
    reputation_recalculate_all(now=START + timedelta(days=1))  # the nightly pass agrees
    assert figures(completed.freelancer) == (None, 0)
    public = client_for(UserFactory()).get(
        f"/api/v1/freelancers/{completed.freelancer.username}/reviews/"
    )
    assert public.json()["results"] == []

    with django_capture_on_commit_callbacks(execute=True):
        trust_check_clear(moderator=moderator, contract_id=completed.pk, note="Kakak-adik.")

    assert figures(completed.freelancer) == (Decimal("5.000"), 1)
    check.refresh_from_db()
    assert (check.status, check.reviewed_by) == ("cleared", moderator)
    record = ModeratorAction.objects.get(action="clear_trust_signals")
    assert (record.moderator, record.target_id, record.reason) == (
        moderator,
        completed.pk,
        "Kakak-adik.",
    )


@pytest.mark.django_db
def test_confirming_keeps_the_reviews_out_and_warns_both(
    completed, moderator, django_capture_on_commit_callbacks
):
    sign_in_record(user_id=completed.client_id, kind="signup", address=HOME, device="abc" * 8)
    sign_in_record(user_id=completed.freelancer_id, kind="login", address="", device="abc" * 8)
    review_both(completed, django_capture_on_commit_callbacks)
    assert TrustCheck.objects.get().signals == ["shared_device"]

    with django_capture_on_commit_callbacks(execute=True):
        trust_check_confirm(moderator=moderator, contract_id=completed.pk, reason="Satu orang.")

    assert figures(completed.freelancer) == (None, 0)
    assert Review.objects.filter(contract=completed, held_at__isnull=True).count() == 0
    assert TrustCheck.objects.get().status == "confirmed"
    warned = ModeratorAction.objects.filter(action="warn_user").values_list("target_id", flat=True)
    assert sorted(warned) == sorted([completed.client_id, completed.freelancer_id])
    assert Notification.objects.filter(kind="user_warned").count() == 2
    assert ModeratorAction.objects.filter(action="confirm_collusion").count() == 1
    assert not Suspension.objects.exists()


@pytest.mark.django_db
def test_confirming_with_suspension_suspends_both(
    completed, moderator, django_capture_on_commit_callbacks
):
    log_in_over_the_api(completed.client, HOME)
    log_in_over_the_api(completed.freelancer, HOME)
    review_both(completed, django_capture_on_commit_callbacks)

    trust_check_confirm(
        moderator=moderator, contract_id=completed.pk, reason="Satu orang.", suspend=True
    )

    assert sorted(Suspension.objects.values_list("user_id", flat=True)) == sorted(
        [completed.client_id, completed.freelancer_id]
    )


@pytest.mark.django_db
def test_a_staff_member_cannot_rule_on_their_own_contract(
    completed, django_capture_on_commit_callbacks
):
    ensure_role_groups()
    completed.freelancer.is_staff = True
    completed.freelancer.save()
    completed.freelancer.groups.add(Group.objects.get(name=MODERATORS))
    log_in_over_the_api(completed.client, HOME)
    log_in_over_the_api(completed.freelancer, HOME)
    review_both(completed, django_capture_on_commit_callbacks)

    with pytest.raises(StaffIsParty):
        trust_check_clear(moderator=completed.freelancer, contract_id=completed.pk)

    assert TrustCheck.objects.get().status == "held"
    # Only the refused attempt is on record.
    assert list(ModeratorAction.objects.values_list("action", "details__attempted")) == [
        ("refused_as_party", "clear_trust_signals")
    ]
    assert figures(completed.freelancer) == (None, 0)


@pytest.mark.django_db
def test_a_shared_payout_account_found_after_the_reviews_holds_them(
    completed, django_capture_on_commit_callbacks, time_machine
):
    review_both(completed, django_capture_on_commit_callbacks)
    assert figures(completed.freelancer) == (Decimal("5.000"), 1)
    time_machine.move_to(START + timedelta(days=1), tick=False)
    # The client has Rp 80.000 left after funding, the freelancer was paid Rp 108.000.
    for user, number in ((completed.freelancer, "1234-5678-90"), (completed.client, "1234567890")):
        withdrawal_request(
            user=verified(user),
            amount=50_000,
            method="bank",
            bank_code="bca",
            account_number=number,
            holder_name="Sama Saja",
        )

    with django_capture_on_commit_callbacks(execute=True):
        assert trust_checks_recent(now=START + timedelta(days=2)) == 1

    assert TrustCheck.objects.get().signals == ["shared_payout"]
    assert figures(completed.freelancer) == (None, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_sweep_passes_a_contract_held_elsewhere_and_checks_it_next_run(
    completed, django_capture_on_commit_callbacks, time_machine, settings
):
    """A contract whose row another transaction holds is waited for at most
    TIMER_LOCK_TIMEOUT_SECONDS, not as long as the holder keeps it: the sweep's worker stays
    free, and the next run finds the signal and holds the reviews."""
    settings.TIMER_LOCK_TIMEOUT_SECONDS = 0.5
    review_both(completed, django_capture_on_commit_callbacks)
    time_machine.move_to(START + timedelta(days=1), tick=False)
    for user, number in ((completed.freelancer, "1234-5678-90"), (completed.client, "1234567890")):
        withdrawal_request(
            user=verified(user),
            amount=50_000,
            method="bank",
            bank_code="bca",
            account_number=number,
            holder_name="Sama Saja",
        )
    sweep = lambda: trust_checks_recent(now=START + timedelta(days=2))  # noqa: E731

    with row_lock(completed) as holder:
        started = time.monotonic()
        assert within(10, sweep, unblock=holder.rollback) == 0
        assert time.monotonic() - started < 5
        assert not TrustCheck.objects.exists()
        assert figures(completed.freelancer) == (Decimal("5.000"), 1)

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == 1  # the next run: the row is free
    assert TrustCheck.objects.get().signals == ["shared_payout"]
    assert figures(completed.freelancer) == (None, 0)


@pytest.mark.django_db
def test_money_going_round_holds_the_reviews(
    completed, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(START + timedelta(days=1), tick=False)
    withdrawal_request(
        user=verified(completed.freelancer),
        amount=100_000,
        method="ewallet",
        bank_code="GOPAY",
        account_number="081234567890",
        holder_name="Freelancer",
    )
    time_machine.move_to(START + timedelta(days=2), tick=False)
    top_up(completed.client, 105_000)  # within 10 % of what was just withdrawn

    review_both(completed, django_capture_on_commit_callbacks)

    assert TrustCheck.objects.get().signals == ["round_trip"]
    assert figures(completed.freelancer) == (None, 0)


@pytest.mark.django_db
def test_a_top_up_of_another_amount_or_much_later_is_no_round_trip(
    completed, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(START + timedelta(days=1), tick=False)
    withdrawal_request(
        user=verified(completed.freelancer),
        amount=100_000,
        method="ewallet",
        bank_code="GOPAY",
        account_number="081234567890",
        holder_name="Freelancer",
    )
    time_machine.move_to(START + timedelta(days=2), tick=False)
    top_up(completed.client, 150_000)  # not about the same amount
    time_machine.move_to(START + timedelta(days=9), tick=False)
    top_up(completed.client, 100_000)  # the same amount, but over a week later

    review_both(completed, django_capture_on_commit_callbacks)

    assert not TrustCheck.objects.exists()
    assert figures(completed.freelancer)[1] == 1

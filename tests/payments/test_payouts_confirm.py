"""Payouts whose callback never came (the local Xendit and Iris over real HTTP): a sweep reads
each withdrawal processing longer than ``PAYOUT_CONFIRM_AFTER_SECONDS`` back through the
gateway's API and settles it exactly as the webhook would (``payout_settle``). Still pending:
asked again later, the rest of the batch first. The gateway down: nothing changes, the next
run settles. The callback arriving late after all moves nothing more."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from payments.models import LedgerTransaction, PayoutDestination, Withdrawal
from payments.services.payout_outcomes import payout_check
from payments.tasks import confirm_unsettled_payouts
from projects.audit import ledger_problems
from tests.conftest import client_for
from tests.payments.gateways.conftest import fake_xendit, iris  # noqa: F401 - the fixtures
from tests.payments.payout_support import (
    AMOUNT,
    BALANCE,
    DESTINATIONS,
    add_destination,
    balances,
    freelancer_with_money,
    ledger_rows,
    send_callback,
    status_of,
    withdraw,
)

pytestmark = pytest.mark.django_db
S = Withdrawal.Status


@pytest.fixture
def xendit(settings, fake_xendit):  # noqa: F811 - the imported fixture
    settings.PAYMENT_GATEWAY = "xendit"
    settings.PAYOUT_CONFIRM_AFTER_SECONDS = 3600
    return fake_xendit


@pytest.fixture
def freelancer(settings, xendit):
    return freelancer_with_money(settings)


def processing(freelancer, capture, amount: int = AMOUNT) -> Withdrawal:
    destination = PayoutDestination.objects.filter(user=freelancer).first()
    destination = destination or add_destination(freelancer)
    with capture(execute=True):
        response = withdraw(freelancer, destination, amount)
    withdrawal = Withdrawal.objects.get(pk=response.json()["id"])
    assert withdrawal.status == S.PROCESSING
    assert withdrawal.payout_checked_at is not None
    return withdrawal


def long_ago(*withdrawals: Withdrawal, hours: int = 2) -> None:
    Withdrawal.objects.filter(pk__in=[w.pk for w in withdrawals]).update(
        payout_checked_at=timezone.now() - timedelta(hours=hours)
    )


def test_a_lost_paid_callback_is_settled_by_the_sweep_once(
    freelancer, xendit, api_client, django_capture_on_commit_callbacks
):
    withdrawal = processing(freelancer, django_capture_on_commit_callbacks)
    (payout_id,) = xendit.payouts
    xendit.succeed_payout(payout_id)  # ... and its callback is lost

    assert confirm_unsettled_payouts() == 0  # not long enough yet: the callback's turn
    assert status_of(withdrawal) == S.PROCESSING
    long_ago(withdrawal)
    assert confirm_unsettled_payouts() == 1

    assert status_of(withdrawal) == S.PAID
    assert balances(freelancer) == (BALANCE - AMOUNT, 0)
    assert LedgerTransaction.objects.filter(kind="withdrawal_paid").count() == 1
    assert Notification.objects.filter(recipient=freelancer, kind="withdrawal_paid").count() == 1
    assert xendit.requests.count(("GET", f"/v2/payouts/{payout_id}")) == 1

    # Settled: the sweep leaves it; the callback arriving late after all moves nothing more.
    before = ledger_rows()
    assert confirm_unsettled_payouts() == 0
    assert send_callback(api_client, xendit, payout_id).status_code == 200
    assert ledger_rows() == before
    assert Notification.objects.filter(recipient=freelancer, kind="withdrawal_paid").count() == 1
    assert ledger_problems() == []


def test_a_lost_failed_callback_returns_the_money_with_the_reason(
    freelancer, xendit, django_capture_on_commit_callbacks
):
    withdrawal = processing(freelancer, django_capture_on_commit_callbacks)
    (payout_id,) = xendit.payouts
    xendit.fail_payout(payout_id, reason="INVALID_DESTINATION")
    long_ago(withdrawal)

    assert confirm_unsettled_payouts() == 1

    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.failure_reason) == (S.FAILED, "INVALID_DESTINATION")
    assert balances(freelancer) == (BALANCE, 0)
    notice = Notification.objects.get(recipient=freelancer, kind="withdrawal_failed")
    assert "The bank or e-wallet says this account does not exist." in notice.body
    assert ledger_problems() == []


def test_still_pending_is_asked_again_later_and_the_others_first(
    settings, freelancer, xendit, django_capture_on_commit_callbacks
):
    first = processing(freelancer, django_capture_on_commit_callbacks)
    second = processing(freelancer, django_capture_on_commit_callbacks)
    long_ago(first, hours=3)
    long_ago(second, hours=2)
    settings.TIMER_BATCH_SIZE = 1
    before = ledger_rows()

    assert confirm_unsettled_payouts() == 1  # the oldest: Xendit still says pending
    first.refresh_from_db()
    assert first.status == S.PROCESSING
    assert timezone.now() - first.payout_checked_at < timedelta(minutes=1)
    assert confirm_unsettled_payouts() == 1  # the next one, not the first again
    second.refresh_from_db()
    assert timezone.now() - second.payout_checked_at < timedelta(minutes=1)
    assert confirm_unsettled_payouts() == 0  # both asked just now

    assert ledger_rows() == before
    assert balances(freelancer) == (BALANCE - 2 * AMOUNT, 2 * AMOUNT)


def test_the_gateway_down_leaves_it_for_the_next_run(
    freelancer, xendit, django_capture_on_commit_callbacks
):
    withdrawal = processing(freelancer, django_capture_on_commit_callbacks)
    (payout_id,) = xendit.payouts
    xendit.succeed_payout(payout_id)
    long_ago(withdrawal)
    checked = Withdrawal.objects.get(pk=withdrawal.pk).payout_checked_at
    before = ledger_rows()

    xendit.down = 503
    assert confirm_unsettled_payouts() == 0
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.payout_checked_at) == (S.PROCESSING, checked)
    assert ledger_rows() == before
    assert balances(freelancer) == (BALANCE - AMOUNT, AMOUNT)

    xendit.down = None
    assert confirm_unsettled_payouts() == 1
    assert status_of(withdrawal) == S.PAID


def test_a_payout_the_gateway_does_not_know_stays_pending_for_finance(
    freelancer, xendit, django_capture_on_commit_callbacks
):
    withdrawal = processing(freelancer, django_capture_on_commit_callbacks)
    Withdrawal.objects.filter(pk=withdrawal.pk).update(provider_reference="disb-unknown")
    long_ago(withdrawal)
    before = ledger_rows()

    assert payout_check(withdrawal_id=withdrawal.pk) == S.PROCESSING

    assert ledger_rows() == before
    assert balances(freelancer) == (BALANCE - AMOUNT, AMOUNT)
    assert confirm_unsettled_payouts() == 0  # asked just now: not again at once


def test_another_amount_at_the_gateway_moves_nothing(
    freelancer, xendit, django_capture_on_commit_callbacks
):
    withdrawal = processing(freelancer, django_capture_on_commit_callbacks)
    (payout_id,) = xendit.payouts
    xendit.succeed_payout(payout_id)
    xendit.payouts[payout_id]["amount"] = AMOUNT - 1
    long_ago(withdrawal)
    before = ledger_rows()

    assert payout_check(withdrawal_id=withdrawal.pk) == S.PROCESSING

    assert ledger_rows() == before
    assert balances(freelancer) == (BALANCE - AMOUNT, AMOUNT)


def test_only_processing_withdrawals_on_the_current_gateway_are_asked_about(
    settings, freelancer, xendit, django_capture_on_commit_callbacks
):
    withdrawal = processing(freelancer, django_capture_on_commit_callbacks)
    (payout_id,) = xendit.payouts
    xendit.succeed_payout(payout_id)
    long_ago(withdrawal)

    settings.PAYMENT_GATEWAY = "sandbox"  # payouts by hand now: nothing to ask
    assert confirm_unsettled_payouts() == 0
    Withdrawal.objects.filter(pk=withdrawal.pk).update(payout_provider="midtrans")
    settings.PAYMENT_GATEWAY = "xendit"
    assert payout_check(withdrawal_id=withdrawal.pk) == S.PROCESSING  # not Xendit's to say
    assert xendit.requests.count(("GET", f"/v2/payouts/{payout_id}")) == 0
    assert status_of(withdrawal) == S.PROCESSING


def test_a_lost_iris_notification_is_settled_by_the_sweep(
    settings,
    iris,  # noqa: F811 - the imported fixture
    django_capture_on_commit_callbacks,
):
    settings.PAYMENT_GATEWAY = "midtrans"
    settings.PAYOUT_CONFIRM_AFTER_SECONDS = 0
    fake = iris.iris
    freelancer = freelancer_with_money(settings)
    fake.accounts[("bca", "1234567890")] = "SITI AMINAH"
    account = {"channel_code": "bca", "account_number": "1234567890", "holder_name": "Siti Aminah"}
    assert client_for(freelancer).post(DESTINATIONS, account, format="json").status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(freelancer, PayoutDestination.objects.get())
    (reference_no,) = fake.payouts
    fake.complete(reference_no)  # the notification is never sent

    assert confirm_unsettled_payouts() == 1

    assert status_of(Withdrawal.objects.get()) == S.PAID
    assert balances(freelancer) == (BALANCE - AMOUNT, 0)
    assert ledger_problems() == []


def test_the_confirm_sweep_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "payments.confirm_unsettled_payouts" in tasks

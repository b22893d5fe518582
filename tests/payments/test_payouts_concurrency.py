"""Payouts under real concurrency on PostgreSQL: the task, the sweep and finance's "send again"
at the same moment make one call to the gateway and one payout; the payout webhook arriving
while the payout is being sent waits for it and settles once, and so does the webhook arriving
while the sweep asks the gateway about the same payout. The sweep never waits behind a
withdrawal whose row is held elsewhere."""

from __future__ import annotations

import time

import pytest

from accounts.models import Notification
from payments.gateways import payout_gateway
from payments.gateways.payouts import PayoutEvent
from payments.models import LedgerTransaction, Withdrawal
from payments.services.payout_outcomes import payout_check, payout_complete, payout_settle
from payments.services.payouts import payout_send
from payments.tasks import confirm_unsettled_payouts, resend_stuck_payouts
from projects.audit import ledger_problems
from tests.payments.gateways.conftest import fake_xendit  # noqa: F401 - the fixture
from tests.payments.payout_support import (
    AMOUNT,
    BALANCE,
    add_destination,
    balances,
    freelancer_with_money,
    withdraw,
)
from tests.races import race, row_lock, within

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def waiting(settings, fake_xendit):  # noqa: F811 - the imported fixture
    settings.PAYMENT_GATEWAY = "xendit"
    freelancer = freelancer_with_money(settings)
    withdraw(freelancer, add_destination(freelancer))  # committed; its task is not run
    return Withdrawal.objects.get()


def test_three_sends_at_once_make_one_payout(waiting, fake_xendit):  # noqa: F811
    results = race([lambda: payout_send(withdrawal_id=waiting.pk) for _ in range(3)])

    assert results == ["processing"] * 3
    assert fake_xendit.requests.count(("POST", "/v2/payouts")) == 1
    assert len(fake_xendit.payouts) == 1


def test_the_webhook_racing_the_send_settles_once(waiting, fake_xendit):  # noqa: F811
    payout_send(withdrawal_id=waiting.pk)
    waiting.refresh_from_db()
    fake_xendit.succeed_payout(waiting.provider_reference)

    def settle():
        return payout_complete(
            provider="xendit",
            reference=str(waiting.payout_reference),
            status="paid",
            amount=AMOUNT,
            provider_reference=waiting.provider_reference,
        ).status

    results = race([settle, settle, lambda: payout_send(withdrawal_id=waiting.pk)])

    assert results[:2] == ["paid", "paid"]
    assert results[2] in ("processing", "paid")
    assert LedgerTransaction.objects.filter(kind="withdrawal_paid").count() == 1
    assert balances(waiting.user) == (BALANCE - AMOUNT, 0)
    assert ledger_problems() == []


def test_the_sweep_racing_the_callback_settles_once(waiting, fake_xendit):  # noqa: F811
    """The callback comes at last just as the sweep asks Xendit about the same payout: the
    row lock lets one settle it, the other finds it settled; one posting, one notice."""
    payout_send(withdrawal_id=waiting.pk)
    waiting.refresh_from_db()
    fake_xendit.succeed_payout(waiting.provider_reference)
    callback = PayoutEvent(
        reference=str(waiting.payout_reference),
        status="paid",
        amount=AMOUNT,
        failure_reason="",
        event_id="wh_1",
        provider_reference=waiting.provider_reference,
    )

    def webhook():
        gateway = payout_gateway()
        assert gateway is not None
        settled = payout_settle(gateway, callback)
        return settled.status if settled else None

    results = race([lambda: payout_check(withdrawal_id=waiting.pk), webhook, webhook])

    assert results == ["paid", "paid", "paid"]
    assert LedgerTransaction.objects.filter(kind="withdrawal_paid").count() == 1
    assert Notification.objects.filter(recipient=waiting.user, kind="withdrawal_paid").count() == 1
    assert balances(waiting.user) == (BALANCE - AMOUNT, 0)
    assert ledger_problems() == []


@pytest.fixture
def stuck(settings, fake_xendit):  # noqa: F811 - the imported fixture
    """A withdrawal left *sending*: its task met a Xendit that was down."""
    settings.PAYMENT_GATEWAY = "xendit"
    settings.PAYOUT_RESEND_AFTER_SECONDS = 0
    freelancer = freelancer_with_money(settings)
    fake_xendit.down = 503
    withdraw(freelancer, add_destination(freelancer))
    fake_xendit.down = None
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.status, fake_xendit.payouts) == (Withdrawal.Status.SENDING, {})
    return withdrawal


def test_the_stuck_payout_sweep_passes_a_held_withdrawal_and_sends_it_next_run(
    stuck,
    fake_xendit,  # noqa: F811
):
    """Its task holds the row while a slow gateway answers (or finance has it open): the sweep
    does not sit behind that lock — the worker running it would run nothing else meanwhile —
    and sends the withdrawal on a later run if it is still stuck, once."""
    with row_lock(stuck) as holder:
        started = time.monotonic()
        sent = within(10, resend_stuck_payouts, unblock=holder.rollback)
        took = time.monotonic() - started
        assert sent == 0
        assert took < 5, took
        assert fake_xendit.payouts == {}
        stuck.refresh_from_db()
        assert stuck.status == Withdrawal.Status.SENDING

    assert resend_stuck_payouts() == 1  # the next run: the row is free
    assert resend_stuck_payouts() == 0
    stuck.refresh_from_db()
    assert stuck.status == Withdrawal.Status.PROCESSING
    assert len(fake_xendit.payouts) == 1
    assert stuck.provider_reference == next(iter(fake_xendit.payouts))
    assert balances(stuck.user) == (BALANCE - AMOUNT, AMOUNT)
    assert ledger_problems() == []


def test_the_confirming_sweep_waits_briefly_for_a_held_withdrawal_and_settles_it_next_run(
    settings,
    waiting,
    fake_xendit,  # noqa: F811
):
    """Its callback never came and the row is held elsewhere: the sweep gives up on it after
    TIMER_LOCK_TIMEOUT_SECONDS, not when the holder lets go, and settles it on a later run."""
    settings.PAYOUT_CONFIRM_AFTER_SECONDS = 0
    settings.TIMER_LOCK_TIMEOUT_SECONDS = 0.5
    waiting.refresh_from_db()
    assert waiting.status == Withdrawal.Status.PROCESSING  # its task sent it
    fake_xendit.succeed_payout(waiting.provider_reference)

    with row_lock(waiting) as holder:
        started = time.monotonic()
        assert within(10, confirm_unsettled_payouts, unblock=holder.rollback) == 0
        assert time.monotonic() - started < 5
        waiting.refresh_from_db()
        assert waiting.status == Withdrawal.Status.PROCESSING
        assert not LedgerTransaction.objects.filter(kind="withdrawal_paid").exists()

    assert confirm_unsettled_payouts() == 1  # the next run: the row is free
    waiting.refresh_from_db()
    assert waiting.status == Withdrawal.Status.PAID
    assert LedgerTransaction.objects.filter(kind="withdrawal_paid").count() == 1
    assert balances(waiting.user) == (BALANCE - AMOUNT, 0)
    assert ledger_problems() == []

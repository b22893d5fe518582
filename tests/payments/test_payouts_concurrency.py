"""Payouts under real concurrency on PostgreSQL: the task, the sweep and finance's "send again"
at the same moment make one call to the gateway and one payout; the payout webhook arriving
while the payout is being sent waits for it and settles once, and so does the webhook arriving
while the sweep asks the gateway about the same payout."""

from __future__ import annotations

import pytest

from accounts.models import Notification
from payments.gateways import payout_gateway
from payments.gateways.payouts import PayoutEvent
from payments.models import LedgerTransaction, Withdrawal
from payments.services.payouts import payout_check, payout_complete, payout_send, payout_settle
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
from tests.races import race

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

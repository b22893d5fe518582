"""Midtrans refunds: the Core API refund under our refund_key against the local Midtrans, and the
refund and chargeback notifications read back — then finance's refund end to end, through our
webhook endpoint, moving money once."""

from __future__ import annotations

import json
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from payments.gateways.base import GatewayUnavailable
from payments.gateways.midtrans import MidtransRejected, event_from
from payments.models import Account, DepositRefund, LedgerTransaction
from payments.services import ledger
from payments.services.deposits import deposit_create
from payments.services.refunds import deposit_refund, deposit_refund_resend
from tests.accounts.factories import UserFactory
from tests.conftest import english_client

WEBHOOK = "/api/v1/payments/webhooks/midtrans/"
Kind = LedgerTransaction.Kind


# --- the gateway ------------------------------------------------------------------------------


def test_a_refund_is_sent_with_its_key_amount_and_reason(midtrans, gateway, opened):
    midtrans.pay(opened)
    deposit = type("D", (), {"reference": opened})()

    result = gateway.refund(deposit, amount=50_000, key="refund-key-1", reason="Asked back")

    assert result.reference == "1"
    method, path, body = midtrans.requests[-1]
    assert (method, path) == ("POST", f"/v2/{opened}/refund")
    assert body == {"refund_key": "refund-key-1", "amount": 50_000, "reason": "Asked back"}
    assert midtrans.transactions[opened].refunded == 50_000
    assert midtrans.transactions[opened].transaction_status == "partial_refund"


def test_the_same_refund_key_refunds_once(midtrans, gateway, opened):
    midtrans.pay(opened)
    deposit = type("D", (), {"reference": opened})()

    first = gateway.refund(deposit, amount=50_000, key="same", reason="")
    again = gateway.refund(deposit, amount=50_000, key="same", reason="")

    assert again == first
    assert midtrans.transactions[opened].refunded == 50_000


def test_more_than_is_left_is_refused(midtrans, gateway, opened):
    midtrans.pay(opened)
    deposit = type("D", (), {"reference": opened})()

    with pytest.raises(MidtransRejected) as refused:
        gateway.refund(deposit, amount=150_001, key="too-much", reason="")

    assert refused.value.status == 412
    assert midtrans.transactions[opened].refunded == 0


@pytest.mark.parametrize("mode", [500, 503, "hang"])
def test_midtrans_down_is_an_outage(midtrans, gateway, opened, mode):
    midtrans.pay(opened)
    deposit = type("D", (), {"reference": opened})()
    midtrans.down(mode)

    with pytest.raises(GatewayUnavailable):
        gateway.refund(deposit, amount=10_000, key="k", reason="")

    midtrans.up()
    assert midtrans.transactions[opened].refunded == 0


def test_a_refund_notification_says_how_much_was_given_back(midtrans, opened):
    midtrans.pay(opened)
    midtrans.refund(opened, 40_000)

    event = event_from(midtrans.notification(opened))

    assert (event.status, event.amount, event.refunded) == ("refunded", 150_000, 40_000)


def test_a_full_chargeback_without_refund_amount_is_the_whole_payment(midtrans, opened):
    midtrans.pay(opened)
    notification = midtrans.set_status(opened, "chargeback")
    notification.pop("refund_amount", None)

    event = event_from(notification)

    assert (event.status, event.refunded) == ("refunded", 150_000)


def test_a_partial_chargeback_that_names_no_amount_takes_nothing(midtrans, opened):
    midtrans.pay(opened)

    event = event_from(midtrans.set_status(opened, "partial_chargeback"))

    assert (event.status, event.refunded) == ("refunded", 0)


# --- end to end ---------------------------------------------------------------------------------


@pytest.fixture
def on_midtrans(settings, midtrans, db):
    # The URLs are read once per process, mounting the sandbox's page only while it is the
    # gateway: read them first, so that later tests on the sandbox still find its page.
    reverse("sandbox-checkout", kwargs={"reference": "x"})
    settings.PAYMENT_GATEWAY = "midtrans"
    return midtrans


@pytest.fixture
def finance(db):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="process_withdrawal"))
    return staff


def notify(notification: dict) -> int:
    response = english_client().post(
        WEBHOOK, data=json.dumps(notification), content_type="application/json"
    )
    return response.status_code


def wallet_of(user) -> int:
    reference = ledger.wallet(user.pk).reference
    return Account.objects.filter(reference=reference).values_list("balance", flat=True).first()


def paid(on_midtrans, user):
    deposit = deposit_create(user=user, amount=150_000, provider="midtrans")
    assert notify(on_midtrans.pay(deposit.reference)) == 200
    assert wallet_of(user) == 150_000
    return deposit


def test_finance_refund_through_midtrans_then_its_notification_moves_nothing_more(
    on_midtrans, finance
):
    payer = UserFactory()
    deposit = paid(on_midtrans, payer)

    refund = deposit_refund(
        deposit=deposit, amount=50_000, reason="Double payment", staff=finance, key="fin-1"
    )

    assert refund.status == DepositRefund.Status.REFUNDED
    assert on_midtrans.transactions[deposit.reference].refunded == 50_000
    assert wallet_of(payer) == 100_000
    # Midtrans notifies the refund it made for us, twice: our refund, already closed.
    for _ in range(2):
        assert notify(on_midtrans.notification(deposit.reference)) == 200
    assert wallet_of(payer) == 100_000
    assert DepositRefund.objects.count() == 1
    assert not LedgerTransaction.objects.filter(kind=Kind.CHARGEBACK).exists()


def test_a_refund_midtrans_refuses_leaves_the_money_in_the_wallet(on_midtrans, finance):
    payer = UserFactory()
    deposit = paid(on_midtrans, payer)
    on_midtrans.refund(deposit.reference)  # refunded in the dashboard, not yet notified

    refund = deposit_refund(
        deposit=deposit, amount=50_000, reason="", staff=finance, key=uuid.uuid4().hex
    )

    assert refund.status == DepositRefund.Status.FAILED
    assert "412" in refund.failure
    assert wallet_of(payer) == 150_000


def test_midtrans_down_keeps_the_refund_pending_and_the_retry_refunds_once(on_midtrans, finance):
    payer = UserFactory()
    deposit = paid(on_midtrans, payer)
    on_midtrans.down(500)

    refund = deposit_refund(
        deposit=deposit, amount=50_000, reason="", staff=finance, key="fin-down"
    )

    assert refund.status == DepositRefund.Status.REQUESTED
    assert wallet_of(payer) == 100_000
    assert on_midtrans.transactions[deposit.reference].refunded == 0

    on_midtrans.up()
    assert deposit_refund_resend(refund_id=refund.pk, staff=finance).status == "refunded"
    assert deposit_refund_resend(refund_id=refund.pk, staff=finance).status == "refunded"
    assert on_midtrans.transactions[deposit.reference].refunded == 50_000
    assert wallet_of(payer) == 100_000


def test_a_lost_answer_is_sent_again_under_the_same_key_and_refunds_once(
    on_midtrans, finance, gateway
):
    payer = UserFactory()
    deposit = paid(on_midtrans, payer)
    refund = deposit_refund(deposit=deposit, amount=50_000, reason="", staff=finance, key="lost")

    # The same request again, as a retry after a lost answer sends it: the same refund.
    again = gateway.refund(deposit, amount=50_000, key=refund.idempotency_key, reason="")

    assert again.reference == refund.gateway_reference
    assert on_midtrans.transactions[deposit.reference].refunded == 50_000


def test_a_chargeback_notification_takes_the_payment_back_once(on_midtrans):
    payer = UserFactory()
    deposit = paid(on_midtrans, payer)

    chargeback = on_midtrans.chargeback(deposit.reference)
    for _ in range(2):
        assert notify(chargeback) == 200

    assert wallet_of(payer) == 0
    taken = DepositRefund.objects.get()
    assert (taken.origin, taken.amount, taken.shortfall) == ("gateway", 150_000, 0)
    assert LedgerTransaction.objects.filter(kind=Kind.CHARGEBACK).count() == 1

"""Pay and fund in one step with PAYMENT_GATEWAY=midtrans and =xendit, end to end over HTTP: the
client pays a milestone through the API, the local Midtrans or Xendit takes the payment, sends
its webhook to our live server, which confirms it through the gateway's API and funds the
milestone. The bad webhooks move nothing; a gateway that is down is a 503 the gateway retries."""

from __future__ import annotations

import json

import pytest

from payments.models import Deposit, LedgerTransaction
from payments.selectors.wallet import wallet_summary
from projects.models import Milestone
from tests.conftest import client_for
from tests.fakes.midtrans import sign
from tests.projects.factories import ContractFactory

pytestmark = pytest.mark.django_db(transaction=True)

AMOUNT = 150_000
M = Milestone.Status


def pay(milestone: Milestone) -> Deposit:
    """The client's "Pay Rp 150.000" through the API: the payment opened at the gateway."""
    response = client_for(milestone.contract.client).post(f"/api/v1/milestones/{milestone.pk}/pay/")
    assert response.status_code == 200, response.content
    return Deposit.objects.get(pk=response.json()["payment"]["id"])


def state(milestone: Milestone) -> tuple[str, int, int]:
    """The milestone's status and the client's wallet and escrow balances."""
    milestone.refresh_from_db()
    summary = wallet_summary(user=milestone.contract.client)
    return milestone.status, summary.available, summary.in_escrow


def credits(deposit: Deposit) -> int:
    return LedgerTransaction.objects.filter(
        kind=LedgerTransaction.Kind.DEPOSIT, reference=f"deposit:{deposit.pk}"
    ).count()


# --- Midtrans ------------------------------------------------------------------------------------


@pytest.fixture
def on_midtrans(settings, midtrans, live_server):
    settings.PAYMENT_GATEWAY = "midtrans"
    midtrans.webhook = f"{live_server.url}/api/v1/payments/webhooks/midtrans/"
    return midtrans


def test_midtrans_a_paid_snap_payment_funds_the_milestone_once(on_midtrans):
    milestone = ContractFactory(bid__amount=AMOUNT).milestones.get()
    deposit = pay(milestone)
    assert deposit.provider == "midtrans"
    assert deposit.checkout_url.startswith(on_midtrans.url)
    assert deposit.reference in on_midtrans.transactions

    # The payer picks a virtual account: pending, nothing moves.
    assert on_midtrans.send(on_midtrans.webhook, on_midtrans.choose(deposit.reference)) == 200
    assert state(milestone) == (M.PENDING, 0, 0)

    paid = on_midtrans.pay(deposit.reference)
    assert on_midtrans.send(on_midtrans.webhook, paid) == 200
    assert state(milestone) == (M.FUNDED, 0, AMOUNT)
    # Midtrans sends it again (its retries): nothing more moves.
    assert on_midtrans.send(on_midtrans.webhook, paid) == 200
    assert credits(deposit) == 1
    assert state(milestone) == (M.FUNDED, 0, AMOUNT)


def test_midtrans_forged_or_tampered_notifications_move_nothing(on_midtrans):
    milestone = ContractFactory(bid__amount=AMOUNT).milestones.get()
    deposit = pay(milestone)
    on_midtrans.choose(deposit.reference)

    forged = on_midtrans.forged_notification(deposit.reference)
    tampered = on_midtrans.notification_with_amount(deposit.reference, "15000.00", signed=False)

    assert on_midtrans.send(on_midtrans.webhook, forged) == 400
    assert on_midtrans.send(on_midtrans.webhook, tampered) == 400
    assert state(milestone) == (M.PENDING, 0, 0)
    assert credits(deposit) == 0


def test_midtrans_a_notification_is_believed_only_as_its_status_api_confirms(on_midtrans):
    """Signed with the server key (a leaked key, or a bug) but saying "settlement" for a
    transaction that is still pending: the status lookup says pending, nothing moves."""
    milestone = ContractFactory(bid__amount=AMOUNT).milestones.get()
    deposit = pay(milestone)
    on_midtrans.choose(deposit.reference)
    claims_paid = on_midtrans.notification(deposit.reference) | {
        "transaction_status": "settlement",
        "status_code": "200",
    }
    claims_paid["signature_key"] = sign(
        claims_paid["order_id"],
        claims_paid["status_code"],
        claims_paid["gross_amount"],
        on_midtrans.server_key,
    )

    assert on_midtrans.send(on_midtrans.webhook, claims_paid) == 200
    assert state(milestone) == (M.PENDING, 0, 0)
    assert credits(deposit) == 0


def test_midtrans_down_while_the_webhook_arrives_is_a_503_and_its_retry_funds(on_midtrans):
    milestone = ContractFactory(bid__amount=AMOUNT).milestones.get()
    deposit = pay(milestone)
    paid = on_midtrans.pay(deposit.reference)

    on_midtrans.down(503)
    assert on_midtrans.send(on_midtrans.webhook, paid) == 503
    assert state(milestone) == (M.PENDING, 0, 0)

    on_midtrans.up()
    assert on_midtrans.send(on_midtrans.webhook, paid) == 200
    assert state(milestone) == (M.FUNDED, 0, AMOUNT)


def test_midtrans_an_expired_payment_leaves_the_milestone_waiting(on_midtrans):
    milestone = ContractFactory(bid__amount=AMOUNT).milestones.get()
    deposit = pay(milestone)

    assert on_midtrans.send(on_midtrans.webhook, on_midtrans.expire(deposit.reference)) == 200

    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.FAILED
    assert state(milestone) == (M.PENDING, 0, 0)


def test_midtrans_down_when_the_client_pays_is_a_503_and_nothing_is_kept(on_midtrans):
    milestone = ContractFactory(bid__amount=AMOUNT).milestones.get()
    on_midtrans.down(500)

    response = client_for(milestone.contract.client).post(f"/api/v1/milestones/{milestone.pk}/pay/")

    assert response.status_code == 503
    assert not Deposit.objects.filter(purpose=f"milestone:{milestone.pk}").exists()


# --- Xendit --------------------------------------------------------------------------------------


@pytest.fixture
def on_xendit(settings, fake_xendit, live_server):
    settings.PAYMENT_GATEWAY = "xendit"
    fake_xendit.webhook = f"{live_server.url}/api/v1/payments/webhooks/xendit/"
    return fake_xendit


def test_xendit_a_paid_invoice_funds_the_milestone_once(on_xendit):
    milestone = ContractFactory(bid__amount=AMOUNT).milestones.get()
    deposit = pay(milestone)
    invoice = deposit.provider_reference
    assert on_xendit.invoices[invoice]["external_id"] == deposit.reference

    on_xendit.pay_invoice(invoice, method="BANK_TRANSFER", channel="BCA")
    callback = on_xendit.invoice_callback(invoice)
    assert on_xendit.send_callback(on_xendit.webhook, callback) == 200
    assert on_xendit.send_callback(on_xendit.webhook, callback) == 200  # replayed

    assert state(milestone) == (M.FUNDED, 0, AMOUNT)
    assert credits(deposit) == 1


def test_xendit_a_wrong_token_another_amount_or_an_unpaid_invoice_move_nothing(on_xendit):
    milestone = ContractFactory(bid__amount=AMOUNT).milestones.get()
    deposit = pay(milestone)
    invoice = deposit.provider_reference

    claimed = on_xendit.invoice_callback(invoice, status="PAID")
    assert on_xendit.send_callback(on_xendit.webhook, claimed, token="guessed-" + "x" * 30) == 400
    # The right token (leaked) on a callback for an invoice nobody paid: the lookup says not.
    assert on_xendit.send_callback(on_xendit.webhook, claimed) == 200
    on_xendit.pay_invoice(invoice, method="BANK_TRANSFER", channel="BCA")
    cheaper = on_xendit.invoice_callback(invoice, amount=1_000, paid_amount=1_000)
    assert json.loads(cheaper)["paid_amount"] == 1_000
    # Another amount in the callback: money moves on what Xendit's API says was paid.
    assert on_xendit.send_callback(on_xendit.webhook, cheaper) == 200

    assert credits(deposit) == 1
    assert state(milestone) == (M.FUNDED, 0, AMOUNT)

"""Pay and fund in one step: a client pays a pending milestone at the gateway, and the gateway's
webhook credits the payment and funds the milestone in one transaction — the wallet used first,
the money kept in the wallet when the milestone can no longer be funded, each payment once."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from accounts.models import Notification
from marketplace.errors import NotFound, PermissionDenied
from payments.gateways.base import GatewayRefused, GatewayUnavailable
from payments.gateways.sandbox import SIGNATURE_HEADER, SandboxGateway, sign, webhook_body
from payments.models import Deposit, LedgerTransaction
from payments.selectors.wallet import wallet_summary
from projects.api.payments import OpenPaymentSerializer
from projects.models import Milestone
from projects.services import milestones as services
from projects.services.milestone_payments import milestone_pay
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.pages.conftest import assert_login_redirect, browser
from tests.projects.factories import ContractFactory, top_up
from tests.races import race

pytestmark = pytest.mark.django_db

AMOUNT = 150_000
WEBHOOK = "/api/v1/payments/webhooks/sandbox/"
SIGNATURE_META = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")
M = Milestone.Status


def pending_milestone(wallet: int = 0) -> Milestone:
    contract = ContractFactory(bid__amount=AMOUNT)
    if wallet:
        top_up(contract.client, wallet)
    return contract.milestones.get()


def gateway_says(deposit: Deposit, status: str = "paid", event_id: str | None = None):
    body = webhook_body(
        reference=deposit.reference, status=status, amount=deposit.amount, event_id=event_id
    )
    return english_client().generic(
        "POST", WEBHOOK, body, content_type="application/json", **{SIGNATURE_META: sign(body)}
    )


def funds(milestone: Milestone) -> int:
    return LedgerTransaction.objects.filter(
        kind=LedgerTransaction.Kind.FUND, reference=f"milestone:{milestone.pk}"
    ).count()


def balances(user) -> tuple[int, int]:
    summary = wallet_summary(user=user)
    return summary.available, summary.in_escrow


def test_with_an_empty_wallet_the_gateway_payment_funds_the_milestone_when_its_webhook_lands():
    milestone = pending_milestone()
    client = milestone.contract.client

    payment = milestone_pay(milestone_id=milestone.pk, actor=client)

    deposit = payment.deposit
    assert deposit is not None
    assert (deposit.amount, deposit.purpose, deposit.status) == (
        AMOUNT,
        f"milestone:{milestone.pk}",
        Deposit.Status.PENDING,
    )
    assert deposit.checkout_url
    # Nothing moves until the gateway says it was paid.
    milestone.refresh_from_db()
    assert milestone.status == M.PENDING
    assert balances(client) == (0, 0)

    assert gateway_says(deposit).status_code == 200

    milestone.refresh_from_db()
    deposit.refresh_from_db()
    assert milestone.status == M.FUNDED
    assert milestone.funded_at is not None
    assert deposit.status == Deposit.Status.PAID
    assert balances(client) == (0, AMOUNT)
    assert funds(milestone) == 1
    freelancer = milestone.contract.freelancer
    assert Notification.objects.filter(recipient=freelancer, kind="milestone_funded").count() == 1


def test_the_wallet_is_used_first_and_the_gateway_charges_only_what_is_missing():
    milestone = pending_milestone(wallet=50_000)
    client = milestone.contract.client

    deposit = milestone_pay(milestone_id=milestone.pk, actor=client).deposit

    assert deposit is not None
    assert deposit.amount == 100_000
    gateway_says(deposit)
    milestone.refresh_from_db()
    assert milestone.status == M.FUNDED
    assert balances(client) == (0, AMOUNT)


def test_a_shortfall_under_the_gateway_minimum_charges_the_minimum_and_keeps_the_rest(settings):
    milestone = pending_milestone(wallet=AMOUNT - 2_000)
    client = milestone.contract.client

    deposit = milestone_pay(milestone_id=milestone.pk, actor=client).deposit

    assert deposit is not None
    assert deposit.amount == settings.DEPOSIT_MIN_AMOUNT
    gateway_says(deposit)
    milestone.refresh_from_db()
    assert milestone.status == M.FUNDED
    assert balances(client) == (settings.DEPOSIT_MIN_AMOUNT - 2_000, AMOUNT)


def test_a_wallet_that_covers_the_amount_funds_at_once_without_the_gateway():
    milestone = pending_milestone(wallet=AMOUNT)
    client = milestone.contract.client
    deposits_before = Deposit.objects.count()

    payment = milestone_pay(milestone_id=milestone.pk, actor=client)

    assert payment.deposit is None
    assert payment.milestone.status == M.FUNDED
    assert Deposit.objects.count() == deposits_before
    assert balances(client) == (0, AMOUNT)


def test_paying_twice_offers_the_payment_already_open():
    milestone = pending_milestone()
    client = milestone.contract.client

    first = milestone_pay(milestone_id=milestone.pk, actor=client).deposit
    second = milestone_pay(milestone_id=milestone.pk, actor=client).deposit

    assert first is not None
    assert second is not None
    assert first.pk == second.pk
    assert Deposit.objects.filter(purpose=f"milestone:{milestone.pk}").count() == 1


def test_a_replayed_webhook_credits_and_funds_once():
    milestone = pending_milestone()
    client = milestone.contract.client
    deposit = milestone_pay(milestone_id=milestone.pk, actor=client).deposit
    assert deposit is not None

    answers = [gateway_says(deposit, event_id="evt_same").status_code for _ in range(3)]
    answers.append(gateway_says(deposit).status_code)  # a duplicate with another event id

    assert answers == [200, 200, 200, 200]
    assert funds(milestone) == 1
    assert (
        LedgerTransaction.objects.filter(
            kind=LedgerTransaction.Kind.DEPOSIT, reference=f"deposit:{deposit.pk}"
        ).count()
        == 1
    )
    assert balances(client) == (0, AMOUNT)


def test_a_milestone_cancelled_before_the_money_lands_keeps_the_money_in_the_wallet():
    milestone = pending_milestone()
    client = milestone.contract.client
    deposit = milestone_pay(milestone_id=milestone.pk, actor=client).deposit
    assert deposit is not None
    services.milestone_cancel(milestone_id=milestone.pk, actor=client)

    assert gateway_says(deposit).status_code == 200

    milestone.refresh_from_db()
    deposit.refresh_from_db()
    assert milestone.status == M.CANCELLED
    assert deposit.status == Deposit.Status.PAID
    assert funds(milestone) == 0
    assert balances(client) == (AMOUNT, 0)  # all of it in the wallet, none in escrow
    kept = Notification.objects.get(recipient=client, kind="milestone_payment_kept")
    # In the client's language, the refusal's reason too (this client reads Indonesian).
    assert client.preferred_language == "id"
    assert "dompet" in kept.body
    assert "contract is closed" not in kept.body
    assert "Rp" in kept.title


def test_a_milestone_funded_from_the_wallet_meanwhile_keeps_the_payment_in_the_wallet():
    milestone = pending_milestone()
    client = milestone.contract.client
    deposit = milestone_pay(milestone_id=milestone.pk, actor=client).deposit
    assert deposit is not None
    top_up(client, AMOUNT)
    services.milestone_fund(milestone_id=milestone.pk, actor=client)

    gateway_says(deposit)

    assert funds(milestone) == 1
    assert balances(client) == (AMOUNT, AMOUNT)
    assert Notification.objects.filter(recipient=client, kind="milestone_payment_kept").exists()


def test_a_failed_payment_moves_nothing_and_the_milestone_waits():
    milestone = pending_milestone()
    client = milestone.contract.client
    deposit = milestone_pay(milestone_id=milestone.pk, actor=client).deposit
    assert deposit is not None

    gateway_says(deposit, status="failed")

    milestone.refresh_from_db()
    deposit.refresh_from_db()
    assert (milestone.status, deposit.status) == (M.PENDING, Deposit.Status.FAILED)
    assert balances(client) == (0, 0)
    # A new try opens a new payment.
    again = milestone_pay(milestone_id=milestone.pk, actor=client).deposit
    assert again is not None
    assert again.pk != deposit.pk


@pytest.mark.parametrize("who", ["stranger", "freelancer"])
def test_only_the_client_pays_and_nothing_is_opened_for_anyone_else(who):
    milestone = pending_milestone()
    actor = UserFactory() if who == "stranger" else milestone.contract.freelancer

    with pytest.raises((NotFound, PermissionDenied)):
        milestone_pay(milestone_id=milestone.pk, actor=actor)

    assert not Deposit.objects.filter(purpose=f"milestone:{milestone.pk}").exists()
    milestone.refresh_from_db()
    assert milestone.status == M.PENDING


# --- races, on PostgreSQL with real threads ---------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_the_paid_webhook_at_once_credit_and_fund_once():
    milestone = pending_milestone()
    client = milestone.contract.client
    deposit = milestone_pay(milestone_id=milestone.pk, actor=client).deposit
    assert deposit is not None

    answers = race([lambda: gateway_says(deposit), lambda: gateway_says(deposit)])

    assert [a.status_code for a in answers] == [200, 200]
    assert funds(milestone) == 1
    assert balances(client) == (0, AMOUNT)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_money_landing_while_the_client_cancels_is_funded_or_kept_never_lost():
    milestone = pending_milestone()
    client = milestone.contract.client
    deposit = milestone_pay(milestone_id=milestone.pk, actor=client).deposit
    assert deposit is not None

    def cancel():
        return services.milestone_cancel(milestone_id=milestone.pk, actor=client)

    results = race([lambda: gateway_says(deposit), cancel])

    milestone.refresh_from_db()
    if milestone.status == M.FUNDED:  # the money landed first: the cancel was refused
        assert isinstance(results[1], Exception)
        assert balances(client) == (0, AMOUNT)
    else:  # the cancel came first: the payment stays in the wallet
        assert milestone.status == M.CANCELLED
        assert balances(client) == (AMOUNT, 0)
        assert Notification.objects.filter(recipient=client, kind="milestone_payment_kept").exists()
    assert results[0].status_code == 200
    assert Deposit.objects.get(pk=deposit.pk).status == Deposit.Status.PAID


# --- the API: POST /api/v1/milestones/{id}/pay/ ------------------------------------------------


def pay_url(milestone: Milestone) -> str:
    return f"/api/v1/milestones/{milestone.pk}/pay/"


def test_the_api_opens_the_payment_and_names_the_checkout_and_its_methods():
    milestone = pending_milestone(wallet=50_000)

    response = client_for(milestone.contract.client).post(pay_url(milestone))

    assert response.status_code == 200
    body = response.json()
    assert body["milestone"]["status"] == "pending"
    payment = body["payment"]
    assert payment["amount"] == 100_000
    assert payment["status"] == "pending"
    assert payment["checkout_url"].startswith("http")
    assert payment["expires_at"] > payment["created_at"]
    assert payment["payment_methods"] == []  # the sandbox's one-click page offers none


def test_the_api_funds_from_the_wallet_when_it_holds_the_amount():
    milestone = pending_milestone(wallet=AMOUNT)

    response = client_for(milestone.contract.client).post(pay_url(milestone))

    assert response.status_code == 200
    assert response.json()["payment"] is None
    assert response.json()["milestone"]["status"] == "funded"


def test_the_api_lists_the_gateways_methods_for_a_live_gateway():
    milestone = pending_milestone()
    deposit = milestone_pay(milestone_id=milestone.pk, actor=milestone.contract.client).deposit
    assert deposit is not None
    Deposit.objects.filter(pk=deposit.pk).update(provider="midtrans")
    deposit.refresh_from_db()

    methods = OpenPaymentSerializer(deposit).data["payment_methods"]

    codes = [method["code"] for method in methods]
    assert {"bca_va", "qris", "gopay"} <= set(codes)
    assert all(
        method["kind"] in {"virtual_account", "qris", "ewallet", "card"} for method in methods
    )


@pytest.mark.parametrize("who", ["anonymous", "stranger", "freelancer"])
def test_the_api_refuses_everyone_but_the_client_and_opens_nothing(who):
    milestone = pending_milestone()
    if who == "anonymous":
        api = english_client()
    else:
        api = client_for(UserFactory() if who == "stranger" else milestone.contract.freelancer)

    response = api.post(pay_url(milestone))

    expected = {"anonymous": 401, "stranger": 404, "freelancer": 403}[who]
    assert response.status_code == expected
    assert not Deposit.objects.filter(purpose=f"milestone:{milestone.pk}").exists()


def test_a_gateway_that_does_not_answer_is_a_503_and_nothing_is_kept(monkeypatch):
    milestone = pending_milestone()

    def down(self, deposit, *, return_url=""):
        raise GatewayUnavailable("timed out")

    monkeypatch.setattr(SandboxGateway, "create_checkout", down)
    response = client_for(milestone.contract.client).post(pay_url(milestone))

    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert "payment gateway" in response.json()["message"]
    assert not Deposit.objects.filter(purpose=f"milestone:{milestone.pk}").exists()


# --- the contract page: "Pay Rp 150.000" ---------------------------------------------------------


def test_the_contract_page_offers_pay_beside_fund_to_the_client_only():
    milestone = pending_milestone()
    page = f"/contracts/{milestone.contract.pk}/"
    pay = f'action="/milestones/{milestone.pk}/pay/"'

    assert pay in browser(milestone.contract.client).get(page).content.decode()
    assert pay not in browser(milestone.contract.freelancer).get(page).content.decode()


def test_pay_on_the_page_sends_the_client_to_the_gateways_checkout_and_back():
    milestone = pending_milestone()
    client = milestone.contract.client

    response = browser(client).post(f"/milestones/{milestone.pk}/pay/")

    deposit = Deposit.objects.get(purpose=f"milestone:{milestone.pk}")
    assert response.status_code == 302
    assert response["Location"] == deposit.checkout_url
    # The checkout brings the payer back to the milestone on the contract page.
    assert f"/contracts/{milestone.contract.pk}/" in unquote(deposit.checkout_url)
    gateway_says(deposit)
    milestone.refresh_from_db()
    assert milestone.status == M.FUNDED


def test_pay_on_the_page_with_enough_in_the_wallet_funds_at_once():
    milestone = pending_milestone(wallet=AMOUNT)

    response = browser(milestone.contract.client).post(
        f"/milestones/{milestone.pk}/pay/", follow=True
    )

    milestone.refresh_from_db()
    assert milestone.status == M.FUNDED
    assert "is held in escrow" in response.content.decode()
    assert not Deposit.objects.filter(purpose=f"milestone:{milestone.pk}").exists()


@pytest.mark.parametrize("who", ["anonymous", "stranger", "freelancer"])
def test_pay_on_the_page_is_for_the_client_alone(who):
    milestone = pending_milestone()
    url = f"/milestones/{milestone.pk}/pay/"
    user = {
        "anonymous": None,
        "stranger": UserFactory(),
        "freelancer": milestone.contract.freelancer,
    }[who]

    response = browser(user).post(url)

    if who == "anonymous":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == {"stranger": 404, "freelancer": 403}[who]
    assert not Deposit.objects.filter(purpose=f"milestone:{milestone.pk}").exists()
    milestone.refresh_from_db()
    assert milestone.status == M.PENDING


def test_a_gateway_that_refuses_to_open_the_payment_is_a_503_and_nothing_is_kept(monkeypatch):
    milestone = pending_milestone()

    def refused(self, deposit, *, return_url=""):
        raise GatewayRefused("401: wrong server key")

    monkeypatch.setattr(SandboxGateway, "create_checkout", refused)
    response = client_for(milestone.contract.client).post(pay_url(milestone))

    assert response.status_code == 503
    assert "Nothing was charged" in response.json()["message"]
    assert "server key" not in response.json()["message"]  # the operators' detail stays inside
    assert not Deposit.objects.filter(purpose=f"milestone:{milestone.pk}").exists()

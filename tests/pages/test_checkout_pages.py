"""The checkout step (/payments/checkout/<reference>/): a real gateway's methods and the expiry of
an unpaid virtual account before the payer is sent to its page, and the page an unfinished
payment is taken up again from. Reached after "Pay" on a milestone and after a top-up when the
gateway is Midtrans or Xendit; the sandbox keeps its one-click page as the step."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import FINANCE, ensure_role_groups
from payments.models import Deposit, LedgerTransaction
from tests.accounts.factories import UserFactory
from tests.fakes.midtrans import FakeMidtrans
from tests.matrix import moderators_group
from tests.pages.conftest import assert_login_redirect, browser
from tests.pages.test_wallet_pages import topup_data
from tests.payments.gateways.support import CLIENT_KEY, SERVER_KEY
from tests.projects.factories import ContractFactory

pytestmark = pytest.mark.django_db

CHECKOUT = "https://app.sandbox.midtrans.com/snap/v4/redirection/token-1"


def open_payment(user=None, *, provider: str = "midtrans", **fields) -> Deposit:
    """A payment opened at ``provider`` as ``deposit_create`` leaves it (the gateway not asked)."""
    values = {"amount": 150_000, "checkout_url": CHECKOUT, "provider_reference": "token-1"}
    return Deposit.objects.create(
        user=user or UserFactory(),
        provider=provider,
        reference=uuid.uuid4().hex,
        **(values | fields),
    )


def step(deposit: Deposit) -> str:
    return f"/payments/checkout/{deposit.reference}/"


@pytest.fixture
def on_midtrans(settings):
    """The site on Midtrans, pointed at a local one."""
    with FakeMidtrans(SERVER_KEY, hang=2) as fake:
        settings.PAYMENT_GATEWAY = "midtrans"
        settings.MIDTRANS_SERVER_KEY = SERVER_KEY
        settings.MIDTRANS_CLIENT_KEY = CLIENT_KEY
        settings.MIDTRANS_IS_PRODUCTION = False
        settings.MIDTRANS_SNAP_BASE_URL = fake.snap_base_url
        settings.MIDTRANS_API_BASE_URL = fake.api_base_url
        settings.GATEWAY_TIMEOUT_SECONDS = 0.5
        yield fake


# --- what the step shows --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "shown", "not_shown"),
    [
        ("midtrans", ["BCA Virtual Account", "QRIS", "GoPay", "ShopeePay"], ["OVO", "DANA"]),
        ("xendit", ["BRI Virtual Account", "QRIS", "OVO", "DANA", "ShopeePay"], ["GoPay"]),
    ],
)
def test_the_step_lists_the_gateways_methods_and_the_virtual_accounts_expiry(
    settings, provider, shown, not_shown
):
    settings.VIRTUAL_ACCOUNT_EXPIRY_HOURS = 24
    deposit = open_payment(provider=provider)

    response = browser(deposit.user).get(step(deposit))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Payment of Rp 150.000" in page
    for heading in ("Bank transfer (virtual account)", "QRIS", "E-wallet"):
        assert f">{heading}</h2>" in page
    for method in shown:
        assert f"<li>{method}</li>" in page
    for method in not_shown:
        assert f"<li>{method}</li>" not in page
    expires = timezone.localtime(deposit.created_at + timedelta(hours=24))
    assert f"stays open until {expires:%-d %B %Y %H:%M} WIB." in page
    assert f'href="{CHECKOUT}">Continue to payment</a>' in page


def test_the_step_follows_the_configured_expiry(settings):
    settings.VIRTUAL_ACCOUNT_EXPIRY_HOURS = 6
    deposit = open_payment()

    page = browser(deposit.user).get(step(deposit)).content.decode()

    expires = timezone.localtime(deposit.created_at + timedelta(hours=6))
    assert f"stays open until {expires:%-d %B %Y %H:%M} WIB." in page


def test_the_step_speaks_the_payers_language():
    deposit = open_payment()

    page = browser(deposit.user, language="id").get(step(deposit)).content.decode()

    assert '<html lang="id"' in page
    # The month in Indonesian (Django's own catalog); the sentences once translated.
    month = timezone.localtime(deposit.expires_at).month
    assert [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ][month - 1] in page


def test_a_payment_whose_time_ran_out_offers_no_way_to_the_gateway(settings):
    settings.VIRTUAL_ACCOUNT_EXPIRY_HOURS = 24
    deposit = open_payment()
    Deposit.objects.filter(pk=deposit.pk).update(created_at=timezone.now() - timedelta(hours=25))

    page = browser(deposit.user).get(step(deposit)).content.decode()

    assert "The time to pay ran out" in page
    assert CHECKOUT not in page
    assert "Continue to payment" not in page


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (Deposit.Status.PAID, "This payment is done."),
        (Deposit.Status.FAILED, "This payment was not completed. Nothing was charged."),
        (Deposit.Status.EXPIRED, "This payment was not completed. Nothing was charged."),
    ],
)
def test_a_closed_payment_says_how_it_ended_and_offers_no_way_to_pay(status, said):
    deposit = open_payment(status=status)

    page = browser(deposit.user).get(step(deposit)).content.decode()

    assert said in page
    assert CHECKOUT not in page


def test_the_sandboxs_payment_is_taken_up_again_on_its_own_page():
    deposit = open_payment(provider="sandbox", checkout_url="http://testserver/sbx/")

    page = browser(deposit.user).get(step(deposit)).content.decode()

    assert 'href="http://testserver/sbx/">Continue to payment</a>' in page
    assert "You pay on the payment gateway's page." in page
    assert "It takes:" not in page
    assert "virtual account" not in page


@pytest.mark.parametrize(
    ("given", "back"),
    [
        ("/contracts/7/#milestone-9", "/contracts/7/#milestone-9"),
        ("", "/wallet/"),
        ("https://evil.example/phish", "/wallet/"),
        ("//evil.example/", "/wallet/"),
        ("javascript:alert(1)", "/wallet/"),
    ],
)
def test_back_goes_to_a_page_of_ours_only(given, back):
    deposit = open_payment()

    page = browser(deposit.user).get(step(deposit), {"next": given}).content.decode()

    assert f'<a class="button secondary" href="{back}">Back</a>' in page


# --- who may see it -------------------------------------------------------------------------


def test_a_visitor_is_asked_to_log_in():
    deposit = open_payment()

    assert_login_redirect(browser().get(step(deposit)), step(deposit))


@pytest.mark.parametrize("who", ["stranger", "moderator", "finance", "superuser"])
def test_anyone_but_the_payer_gets_404(who):
    deposit = open_payment()
    viewer = UserFactory(is_staff=who != "stranger", is_superuser=who == "superuser")
    if who in ("moderator", "finance"):
        ensure_role_groups()
        group = moderators_group() if who == "moderator" else Group.objects.get(name=FINANCE)
        viewer.groups.add(group)

    response = browser(viewer).get(step(deposit))

    assert response.status_code == 404
    assert CHECKOUT not in response.content.decode()


def test_an_unknown_reference_is_404():
    response = browser(UserFactory()).get("/payments/checkout/nothing-here/")

    assert response.status_code == 404


def test_the_step_is_a_read_only_page():
    deposit = open_payment()

    response = browser(deposit.user).post(step(deposit))

    assert response.status_code == 405
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PENDING


# --- reached from "Pay" and from a top-up on a real gateway -----------------------------------


def test_pay_on_a_milestone_goes_to_the_step_and_back_to_the_milestone(on_midtrans):
    milestone = ContractFactory(bid__amount=150_000).milestones.get()
    client = browser(milestone.contract.client)

    response = client.post(f"/milestones/{milestone.pk}/pay/")

    deposit = Deposit.objects.get(purpose=f"milestone:{milestone.pk}")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == step(deposit)
    back = f"/contracts/{milestone.contract.pk}/#milestone-{milestone.pk}"
    assert parse_qs(location.query) == {"next": [back]}
    assert deposit.reference in on_midtrans.transactions
    page = client.get(response["Location"]).content.decode()
    assert f'href="{deposit.checkout_url}">Continue to payment</a>' in page
    # Pressing "Pay" again takes up the same payment, not a second one.
    again = client.post(f"/milestones/{milestone.pk}/pay/")
    assert urlsplit(again["Location"]).path == step(deposit)
    assert Deposit.objects.filter(user=milestone.contract.client).count() == 1


def test_a_top_up_goes_to_the_step_and_back_to_the_wallet(on_midtrans):
    me = UserFactory()
    client = browser(me)

    response = client.post("/wallet/deposits/", topup_data(client, "100000"))

    deposit = Deposit.objects.get(user=me)
    assert response.status_code == 302
    assert response["Location"] == f"{step(deposit)}?next=%2Fwallet%2F"
    assert deposit.reference in on_midtrans.transactions


def test_a_top_up_with_the_gateway_down_is_said_on_the_form_and_keeps_nothing(on_midtrans):
    me = UserFactory()
    client = browser(me)
    data = topup_data(client, "100000")
    on_midtrans.down(503)

    response = client.post("/wallet/deposits/", data)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "The payment gateway is not answering. Nothing was charged" in response.content.decode()
    assert not Deposit.objects.exists()
    assert not LedgerTransaction.objects.exists()
    # The same form sent again once the gateway is back goes through.
    on_midtrans.up()
    assert client.post("/wallet/deposits/", data).status_code == 302
    assert Deposit.objects.filter(user=me).count() == 1


def test_pay_with_the_gateway_down_is_said_on_the_milestone_and_keeps_nothing(on_midtrans):
    milestone = ContractFactory(bid__amount=150_000).milestones.get()
    on_midtrans.down(500)

    response = browser(milestone.contract.client).post(f"/milestones/{milestone.pk}/pay/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "The payment gateway is not answering. Nothing was charged" in page
    assert f'action="/milestones/{milestone.pk}/pay/"' in page  # "Pay" is there to press again
    assert not Deposit.objects.exists()
    milestone.refresh_from_db()
    assert milestone.status == milestone.Status.PENDING


# --- the contract page: a payment started and not finished ---------------------------------


def milestone_payment(milestone, **fields) -> Deposit:
    return open_payment(
        milestone.contract.client, purpose=f"milestone:{milestone.pk}", amount=150_000, **fields
    )


def test_the_contract_page_offers_the_client_to_continue_an_unfinished_payment():
    milestone = ContractFactory(bid__amount=150_000).milestones.get()
    deposit = milestone_payment(milestone)
    contract_page = f"/contracts/{milestone.contract.pk}/"

    page = browser(milestone.contract.client).get(contract_page).content.decode()

    back = f"%2Fcontracts%2F{milestone.contract.pk}%2F%23milestone-{milestone.pk}"
    assert "Your payment of Rp 150.000 for this milestone is not finished yet." in page
    assert f'href="{step(deposit)}?next={back}">Continue the payment</a>' in page
    # Not the freelancer's to see.
    other = browser(milestone.contract.freelancer).get(contract_page).content.decode()
    assert "Continue the payment" not in other


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Deposit.Status.PAID},
        {"status": Deposit.Status.FAILED},
        {"purpose": ""},  # a plain top-up
    ],
)
def test_no_continue_for_a_payment_that_is_closed_or_not_for_the_milestone(fields):
    milestone = ContractFactory(bid__amount=150_000).milestones.get()
    deposit = milestone_payment(milestone)
    Deposit.objects.filter(pk=deposit.pk).update(**fields)

    page = browser(milestone.contract.client).get(f"/contracts/{milestone.contract.pk}/")

    assert "Continue the payment" not in page.content.decode()


def test_no_continue_for_a_payment_older_than_pay_would_take_up_again(settings):
    settings.PAYMENT_REUSE_HOURS = 1
    milestone = ContractFactory(bid__amount=150_000).milestones.get()
    deposit = milestone_payment(milestone)
    Deposit.objects.filter(pk=deposit.pk).update(created_at=timezone.now() - timedelta(hours=2))

    page = browser(milestone.contract.client).get(f"/contracts/{milestone.contract.pk}/")

    assert "Continue the payment" not in page.content.decode()


def test_the_step_names_the_milestone_a_payment_is_for_and_a_top_up_names_nothing():
    milestone = ContractFactory(
        bid__amount=150_000, bid__gig__title="Logo warung kopi"
    ).milestones.get()
    payment = milestone_payment(milestone)
    top_up = open_payment(milestone.contract.client)

    page = browser(payment.user).get(step(payment)).content.decode()
    freelancer = milestone.contract.freelancer.public_name
    assert (
        f'<p id="payment-for">For a milestone of “Logo warung kopi”, paid to {freelancer} '
        "when you approve the work.</p>"
    ) in page
    assert 'id="payment-for"' not in browser(top_up.user).get(step(top_up)).content.decode()

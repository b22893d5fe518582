"""Pay and fund in one step in a real browser, with ``PAYMENT_GATEWAY=midtrans`` and ``=xendit``
against their local fakes: a client on a phone presses "Pay" on a pending milestone, sees on
the checkout step how the gateway takes the money and until when a virtual account stays open,
continues to the gateway's page (the fake's stand-in for Snap or Xendit's invoice page), pays,
and comes back to the milestone funded. The fake sends its signed webhook (Midtrans'
notification, Xendit's callback) to the live server, which confirms the payment through the
gateway's API before any money moves — before the fake sends the browser back.

And the gateway down when "Pay" is pressed: the page says so, nothing is kept or charged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from payments.models import Deposit, LedgerTransaction
from payments.selectors.wallet import wallet_summary
from projects.models import Milestone
from tests.accounts.factories import UserFactory
from tests.fakes.midtrans import FakeMidtrans
from tests.fakes.xendit import FakeXendit
from tests.payments.gateways.support import CLIENT_KEY, SERVER_KEY
from tests.projects.factories import ContractFactory

pytestmark = pytest.mark.django_db(transaction=True)

AMOUNT = 150_000
PHONE_WIDTH = 360
XENDIT_SECRET_KEY = "xnd_development_" + "b" * 40
XENDIT_CALLBACK_TOKEN = "xendit-browser-token-" + "c" * 24
M = Milestone.Status


@dataclass
class Gateway:
    name: str
    fake: Any
    down: Callable[[], None]  # every API call from now on fails with a server error
    methods: tuple[str, ...]  # some of what the checkout step lists for this gateway


@pytest.fixture(params=["midtrans", "xendit"])
def gateway(request, settings, live_server) -> Generator[Gateway, None, None]:
    """The site on ``request.param``, its fake on 127.0.0.1 sending webhooks to the live server."""
    settings.PAYMENT_GATEWAY = request.param
    settings.GATEWAY_TIMEOUT_SECONDS = 2
    settings.VIRTUAL_ACCOUNT_EXPIRY_HOURS = 24
    webhook = f"{live_server.url}/api/v1/payments/webhooks/{request.param}/"
    if request.param == "midtrans":
        with FakeMidtrans(SERVER_KEY, notification_url=webhook, hang=5) as midtrans:
            settings.MIDTRANS_SERVER_KEY = SERVER_KEY
            settings.MIDTRANS_CLIENT_KEY = CLIENT_KEY
            settings.MIDTRANS_IS_PRODUCTION = False
            settings.MIDTRANS_SNAP_BASE_URL = midtrans.snap_base_url
            settings.MIDTRANS_API_BASE_URL = midtrans.api_base_url
            methods = (
                "BCA Virtual Account",
                "Mandiri Virtual Account",
                "QRIS",
                "GoPay",
                "ShopeePay",
            )
            yield Gateway("midtrans", midtrans, lambda: midtrans.down(500), methods)
    else:
        xendit = FakeXendit(
            secret_key=XENDIT_SECRET_KEY, callback_token=XENDIT_CALLBACK_TOKEN, callback_url=webhook
        )
        with xendit:
            settings.XENDIT_BASE_URL = xendit.url
            settings.XENDIT_SECRET_KEY = XENDIT_SECRET_KEY
            settings.XENDIT_CALLBACK_TOKEN = XENDIT_CALLBACK_TOKEN

            def down() -> None:
                xendit.down = 503

            methods = (
                "BCA Virtual Account",
                "BRI Virtual Account",
                "QRIS",
                "OVO",
                "DANA",
                "ShopeePay",
            )
            yield Gateway("xendit", xendit, down, methods)


def fits_the_phone(page) -> bool:
    """Nothing sticks out sideways: no horizontal scrolling on a 360-pixel screen."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def state(milestone: Milestone) -> tuple[str, int, int]:
    """The milestone's status and the client's wallet and escrow balances."""
    milestone.refresh_from_db()
    summary = wallet_summary(user=milestone.contract.client)
    return milestone.status, summary.available, summary.in_escrow


def test_pay_a_milestone_through_the_gateway_on_a_phone(
    gateway, phone_page, login_in_browser, screenshot, live_server
):
    milestone = ContractFactory(bid__amount=AMOUNT).milestones.get()
    contract_url = f"{live_server.url}/contracts/{milestone.contract.pk}/"
    page = phone_page("en")
    login_in_browser(page, milestone.contract.client)

    page.goto(contract_url)
    card = page.locator(f"#milestone-{milestone.pk}")
    card.get_by_role("button", name="Pay Rp 150.000 by bank transfer, QRIS or e-wallet").click()

    # The checkout step: how the gateway takes the money, until when a virtual account is open.
    expect(page).to_have_url(re.compile(r"/payments/checkout/[0-9a-f]+/\?next="))
    deposit = Deposit.objects.get(purpose=f"milestone:{milestone.pk}")
    assert (deposit.provider, deposit.status) == (gateway.name, Deposit.Status.PENDING)
    expect(page.get_by_role("heading", name="Payment of Rp 150.000")).to_be_visible()
    for heading in ("Bank transfer (virtual account)", "QRIS", "E-wallet"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    methods = page.locator(".payment-methods li")
    for method in gateway.methods:
        expect(methods.filter(has_text=re.compile(f"^{method}$"))).to_have_count(1)
    expires = timezone.localtime(deposit.expires_at)  # Jakarta's time, as the page shows it
    expect(page.locator("#va-expiry")).to_contain_text(
        f"A virtual account number stays open until {expires:%-d %B %Y %H:%M} WIB"
    )
    assert fits_the_phone(page)
    screenshot(page, f"checkout-step-{gateway.name}-360")
    assert state(milestone) == (M.PENDING, 0, 0)  # nothing moved yet

    # The gateway's page (the fake's stand-in for it): pay, and be sent back.
    page.get_by_role("link", name="Continue to payment").click()
    expect(page).to_have_url(re.compile(f"^{re.escape(gateway.fake.url)}/"))
    expect(page.locator("h1")).to_have_text("Rp 150,000")
    screenshot(page, f"gateway-page-{gateway.name}-360")
    page.get_by_role("button", name="Pay", exact=True).click()

    # Back on the contract page, the milestone funded: the webhook arrived and was confirmed
    # through the gateway's API before the gateway sent the browser back.
    expect(page).to_have_url(re.compile(f"^{re.escape(contract_url)}"))
    expect(card.locator(".pill")).to_have_text("Funded")
    assert fits_the_phone(page)
    screenshot(page, f"milestone-funded-{gateway.name}-360")
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PAID
    assert state(milestone) == (M.FUNDED, 0, AMOUNT)
    assert (
        LedgerTransaction.objects.filter(
            kind=LedgerTransaction.Kind.DEPOSIT, reference=f"deposit:{deposit.pk}"
        ).count()
        == 1
    )

    # The checkout step of a finished payment says so, and offers no way to pay it again.
    page.goto(f"/payments/checkout/{deposit.reference}/")
    expect(page.get_by_role("status")).to_have_text("This payment is done.")
    expect(page.get_by_role("link", name="Continue to payment")).to_have_count(0)


def test_top_up_through_the_gateway_on_a_phone(gateway, phone_page, login_in_browser, live_server):
    """The top-up path stays for those who want it: the same step, the gateway's page, and back
    to the wallet credited."""
    user = UserFactory()
    page = phone_page("en")
    login_in_browser(page, user)
    page.goto("/wallet/")
    top_up = page.get_by_role("region", name="Top up")
    top_up.get_by_label("Amount").fill("100.000")
    top_up.get_by_role("button", name="Continue to payment").click()

    deposit = Deposit.objects.get(user=user)
    expect(page).to_have_url(
        f"{live_server.url}/payments/checkout/{deposit.reference}/?next=%2Fwallet%2F"
    )
    expect(page.get_by_role("heading", name="Payment of Rp 100.000")).to_be_visible()
    expect(page.locator("#va-expiry")).to_be_visible()
    page.get_by_role("link", name="Continue to payment").click()
    page.get_by_role("button", name="Pay", exact=True).click()

    expect(page).to_have_url(re.compile(f"^{re.escape(live_server.url)}/wallet/"))
    expect(page.locator("#balance-available")).to_have_text("Rp 100.000")
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PAID


def test_an_unfinished_payment_is_taken_up_again(
    gateway, phone_page, login_in_browser, live_server
):
    """The client leaves the gateway's page without paying: the milestone (and the wallet's
    "Pay now") lead back to the checkout step, and from it to the same payment at the gateway,
    not a new one."""
    milestone = ContractFactory(bid__amount=AMOUNT).milestones.get()
    contract_url = f"{live_server.url}/contracts/{milestone.contract.pk}/"
    page = phone_page("en")
    login_in_browser(page, milestone.contract.client)
    page.goto(contract_url)
    card = page.locator(f"#milestone-{milestone.pk}")
    expect(card.get_by_role("link", name="Continue the payment")).to_have_count(0)
    card.get_by_role("button", name=re.compile("^Pay ")).click()
    page.get_by_role("link", name="Continue to payment").click()
    expect(page).to_have_url(re.compile(f"^{re.escape(gateway.fake.url)}/"))
    deposit = Deposit.objects.get(purpose=f"milestone:{milestone.pk}")
    step = f"/payments/checkout/{deposit.reference}/"

    page.goto("/wallet/")
    expect(page.get_by_role("link", name="Pay now")).to_have_attribute("href", step)
    page.goto(contract_url)
    expect(card.locator(f"#milestone-{milestone.pk}-open-payment")).to_contain_text(
        "Your payment of Rp 150.000 for this milestone is not finished yet."
    )
    card.get_by_role("link", name="Continue the payment").click()

    expect(page).to_have_url(re.compile(f"^{re.escape(live_server.url + step)}"))
    page.get_by_role("link", name="Continue to payment").click()
    expect(page).to_have_url(deposit.checkout_url)
    page.get_by_role("button", name="Pay", exact=True).click()

    expect(page).to_have_url(re.compile(f"^{re.escape(contract_url)}"))
    expect(card.locator(".pill")).to_have_text("Funded")
    expect(card.get_by_role("link", name="Continue the payment")).to_have_count(0)
    assert Deposit.objects.filter(user=milestone.contract.client).count() == 1
    assert state(milestone) == (M.FUNDED, 0, AMOUNT)


def test_the_gateway_down_when_pay_is_pressed_is_said_and_nothing_is_charged(
    gateway, phone_page, login_in_browser, screenshot, live_server
):
    milestone = ContractFactory(bid__amount=AMOUNT).milestones.get()
    page = phone_page("en")
    login_in_browser(page, milestone.contract.client)
    page.goto(f"/contracts/{milestone.contract.pk}/")
    gateway.down()
    card = page.locator(f"#milestone-{milestone.pk}")
    pay = card.get_by_role("button", name=re.compile("^Pay "))

    with page.expect_response(re.compile(f"/milestones/{milestone.pk}/pay/$")) as answer:
        pay.click()

    # Said beside the milestone, on the contract page, where "Pay" can be pressed again.
    assert answer.value.status == 503
    assert answer.value.headers["retry-after"] == "60"
    expect(page).to_have_url(f"{live_server.url}/milestones/{milestone.pk}/pay/")
    expect(card.locator("[data-error-summary]")).to_contain_text(
        "The payment gateway is not answering. Nothing was charged; please try again in a minute."
    )
    expect(card.locator(".pill")).to_have_text("Pending")
    expect(pay).to_be_visible()
    assert fits_the_phone(page)
    screenshot(page, f"gateway-down-{gateway.name}-360")
    assert not Deposit.objects.filter(purpose=f"milestone:{milestone.pk}").exists()
    assert state(milestone) == (M.PENDING, 0, 0)
    assert not LedgerTransaction.objects.exists()

"""A withdrawal paid out through the payout gateway in a real browser, with
``PAYMENT_GATEWAY=xendit`` and ``=midtrans`` (Iris) against their local fakes: a freelancer with
a verified identity and money in the wallet adds a payout account on a phone (Iris' name check
answering the bank's name for it), withdraws to it on the wallet page, and the fake pays the
payout and sends its signed callback to the live server — the wallet then shows the withdrawal
paid and the balance lower. Or the fake fails it: the wallet shows the money back and why.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from payments.models import PayoutDestination, Withdrawal
from payments.payout_reasons import failure_message
from tests.fakes.midtrans import FakeMidtrans
from tests.fakes.xendit import FakeXendit
from tests.payments.gateways.conftest import (
    IRIS_APPROVER_KEY,
    IRIS_CREATOR_KEY,
    IRIS_MERCHANT_KEY,
)
from tests.payments.gateways.support import CLIENT_KEY, SERVER_KEY
from tests.payments.payout_support import freelancer_with_money

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_WIDTH = 360
ACCOUNT_NUMBER = "1234567890"
XENDIT_SECRET_KEY = "xnd_development_" + "p" * 40
XENDIT_CALLBACK_TOKEN = "xendit-payout-token-" + "q" * 24


@dataclass
class PayoutGateway:
    name: str
    # The gateway pays (or fails) the withdrawal's payout and calls the live server back; the
    # HTTP status the callback was answered with.
    pay: Callable[[Withdrawal], int]
    fail: Callable[[Withdrawal], int]


@pytest.fixture(params=["xendit", "midtrans"])
def payout_gateway(request, settings, live_server) -> Generator[PayoutGateway, None, None]:
    """The site paying out through ``request.param``, its fake on 127.0.0.1."""
    settings.PAYMENT_GATEWAY = request.param
    settings.GATEWAY_TIMEOUT_SECONDS = 2
    webhook = f"{live_server.url}/api/v1/payments/webhooks/{request.param}/payouts/"
    if request.param == "xendit":
        with FakeXendit(
            secret_key=XENDIT_SECRET_KEY, callback_token=XENDIT_CALLBACK_TOKEN
        ) as xendit:
            settings.XENDIT_BASE_URL = xendit.url
            settings.XENDIT_SECRET_KEY = XENDIT_SECRET_KEY
            settings.XENDIT_CALLBACK_TOKEN = XENDIT_CALLBACK_TOKEN

            def pay(withdrawal: Withdrawal) -> int:
                xendit.succeed_payout(withdrawal.provider_reference)
                body = xendit.payout_callback(withdrawal.provider_reference)
                return xendit.send_callback(webhook, body)

            def fail(withdrawal: Withdrawal) -> int:
                xendit.fail_payout(withdrawal.provider_reference, reason="INVALID_DESTINATION")
                body = xendit.payout_callback(withdrawal.provider_reference)
                return xendit.send_callback(webhook, body)

            yield PayoutGateway("xendit", pay, fail)
    else:
        with FakeMidtrans(
            SERVER_KEY,
            hang=5,
            iris_creator_key=IRIS_CREATOR_KEY,
            iris_approver_key=IRIS_APPROVER_KEY,
            iris_merchant_key=IRIS_MERCHANT_KEY,
        ) as midtrans:
            settings.MIDTRANS_SERVER_KEY = SERVER_KEY
            settings.MIDTRANS_CLIENT_KEY = CLIENT_KEY
            settings.MIDTRANS_IS_PRODUCTION = False
            settings.MIDTRANS_SNAP_BASE_URL = midtrans.snap_base_url
            settings.MIDTRANS_API_BASE_URL = midtrans.api_base_url
            settings.MIDTRANS_IRIS_BASE_URL = midtrans.iris_base_url
            settings.MIDTRANS_IRIS_CREATOR_KEY = IRIS_CREATOR_KEY
            settings.MIDTRANS_IRIS_APPROVER_KEY = IRIS_APPROVER_KEY
            settings.MIDTRANS_IRIS_MERCHANT_KEY = IRIS_MERCHANT_KEY
            iris = midtrans.iris
            # The bank's name for the account: the freelancer's, as on their verified KTP.
            iris.accounts[("bca", ACCOUNT_NUMBER)] = "SITI AMINAH"

            def pay(withdrawal: Withdrawal) -> int:
                return iris.send(webhook, iris.complete(withdrawal.provider_reference))

            def fail(withdrawal: Withdrawal) -> int:
                return iris.send(webhook, iris.fail(withdrawal.provider_reference))

            yield PayoutGateway("midtrans", pay, fail)


def fits_the_phone(page: Any) -> bool:
    """Nothing sticks out sideways: no horizontal scrolling on a 360-pixel screen."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def withdrawn(settings, payout_gateway, phone_page, login_in_browser, screenshot):
    """The freelancer adds a payout account and withdraws Rp 100.000 of Rp 300.000 to it;
    the page and the withdrawal, sent to the gateway."""
    freelancer = freelancer_with_money(settings)  # topped up through the sandbox, verified
    page = phone_page("en")
    login_in_browser(page, freelancer)

    page.goto("/wallet/")
    page.locator("#payout-accounts-link").click()
    expect(page.get_by_role("heading", name="Payout accounts", exact=True)).to_be_visible()
    add = page.get_by_role("region", name="Add an account")
    add.get_by_label("Bank or e-wallet").select_option(label="BCA")
    add.get_by_label("Account or phone number").fill(ACCOUNT_NUMBER)
    add.get_by_label("Account holder's name").fill("Siti Aminah")
    add.get_by_role("button", name="Add account").click()
    accounts = page.get_by_role("region", name="Your accounts")
    expect(accounts).to_contain_text("··7890")
    expect(accounts).to_contain_text("Siti Aminah")
    assert fits_the_phone(page)
    screenshot(page, f"payout-account-added-{payout_gateway.name}-360")
    destination = PayoutDestination.objects.get(user=freelancer)

    page.get_by_role("link", name="Back to your wallet").click()
    expect(page.locator("#balance-available")).to_have_text("Rp 300.000")
    withdraw = page.get_by_role("region", name="Withdraw")
    withdraw.get_by_label("Amount").fill("100.000")
    withdraw.get_by_label("Pay out to").select_option(value=str(destination.pk))
    withdraw.get_by_role("button", name="Request withdrawal").click()

    # Sent to the gateway once the request committed: on its way, the money pending.
    expect(page.locator("#balance-available")).to_have_text("Rp 200.000")
    expect(page.locator("#balance-pending")).to_have_text("Rp 100.000")
    withdrawal = Withdrawal.objects.get(user=freelancer)
    assert withdrawal.status == Withdrawal.Status.PROCESSING
    assert withdrawal.provider_reference
    assert withdrawal.payout_provider == payout_gateway.name
    expect(withdrawals_of(page).locator(".pill")).to_have_text("processing")
    return page, withdrawal


def withdrawals_of(page: Any) -> Any:
    return page.get_by_role("region", name="Withdrawals").locator("li")


def test_withdraw_to_a_payout_account_and_see_it_paid_on_a_phone(
    settings, payout_gateway, phone_page, login_in_browser, screenshot
):
    page, withdrawal = withdrawn(settings, payout_gateway, phone_page, login_in_browser, screenshot)

    assert payout_gateway.pay(withdrawal) == 200
    page.reload()

    row = withdrawals_of(page)
    expect(row.locator(".pill")).to_have_text("paid")
    expect(row).to_contain_text("Rp 100.000")
    expect(row.get_by_role("link", name="Receipt (PDF)")).to_be_visible()
    expect(page.locator("#balance-available")).to_have_text("Rp 200.000")
    expect(page.locator("#balance-pending")).to_have_text("Rp 0")
    assert fits_the_phone(page)
    screenshot(page, f"withdrawal-paid-{payout_gateway.name}-360")
    withdrawal.refresh_from_db()
    assert withdrawal.status == Withdrawal.Status.PAID


def test_a_failed_payout_shows_the_money_back_and_why_on_a_phone(
    settings, payout_gateway, phone_page, login_in_browser, screenshot
):
    page, withdrawal = withdrawn(settings, payout_gateway, phone_page, login_in_browser, screenshot)

    assert payout_gateway.fail(withdrawal) == 200
    page.reload()

    withdrawal.refresh_from_db()
    assert withdrawal.status == Withdrawal.Status.FAILED
    reason = str(failure_message(withdrawal.failure_reason))
    if payout_gateway.name == "xendit":
        assert reason == "The bank or e-wallet says this account does not exist."
    row = withdrawals_of(page)
    expect(row.locator(".pill")).to_have_text("failed")
    expect(row.locator(".withdrawal-reason")).to_have_text(reason)
    expect(row.get_by_role("link", name="Receipt (PDF)")).to_have_count(0)
    expect(page.locator("#balance-available")).to_have_text("Rp 300.000")
    expect(page.locator("#balance-pending")).to_have_text("Rp 0")
    assert fits_the_phone(page)
    screenshot(page, f"withdrawal-failed-{payout_gateway.name}-360")

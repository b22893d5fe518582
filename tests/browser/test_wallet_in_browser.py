"""The wallet in a real browser on a 360-pixel phone: top up through the sandbox checkout and
come back to the new balance."""

import re

import pytest
from playwright.sync_api import expect

from payments.models import Deposit
from tests.accounts.factories import UserFactory

PHONE_WIDTH = 360


def fits_the_phone(page) -> bool:
    """Nothing sticks out sideways: no horizontal scrolling on a 360-pixel screen."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def reload_until(page, locator, text: str, seconds: float = 10) -> None:
    """The wallet shows the balance when the gateway's webhook has arrived. Tests run Celery
    tasks on commit, so it is there at once; a queued webhook would take a reload or two."""
    for _ in range(int(seconds * 2)):
        if locator.inner_text().strip() == text:
            return
        page.wait_for_timeout(500)
        page.reload()
    expect(locator).to_have_text(text)


@pytest.mark.django_db(transaction=True)
def test_top_up_through_the_sandbox_checkout_on_a_phone(
    phone_page, login_in_browser, screenshot, live_server
):
    user = UserFactory(username="siti")
    page = phone_page("en")
    login_in_browser(page, user)

    page.goto("/wallet/")
    expect(page.get_by_role("heading", name="Wallet", exact=True)).to_be_visible()
    available = page.locator("#balance-available")
    expect(available).to_have_text("Rp 0")
    assert fits_the_phone(page)
    screenshot(page, "wallet-empty-360")

    top_up = page.get_by_role("region", name="Top up")
    top_up.get_by_label("Amount").fill("100.000")
    top_up.get_by_role("button", name="Continue to payment").click()

    # The sandbox gateway's hosted page.
    expect(page).to_have_url(re.compile(r"/payments/sandbox/checkout/[0-9a-f]+/\?return="))
    expect(page.get_by_role("heading", name="Sandbox payment")).to_be_visible()
    expect(page.get_by_text("Rp 100.000", exact=True)).to_be_visible()
    assert Deposit.objects.get(user=user).status == Deposit.Status.PENDING
    screenshot(page, "sandbox-checkout-360")
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="confirming the payment")).to_be_visible()

    page.get_by_role("link", name="Back to Garap").click()

    expect(page).to_have_url(f"{live_server.url}/wallet/")
    reload_until(page, available, "Rp 100.000")
    expect(page.locator(".wallet-history")).to_contain_text("+Rp 100.000")
    expect(page.locator(".wallet-list").first).to_contain_text("paid")
    assert fits_the_phone(page)
    assert Deposit.objects.get(user=user).status == Deposit.Status.PAID
    shot = screenshot(page, "wallet-after-top-up-360")
    assert shot.stat().st_size > 0


@pytest.mark.django_db(transaction=True)
def test_a_visitor_on_an_indonesian_phone_is_asked_to_log_in_first(page, live_server):
    page.goto("/wallet/")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/wallet/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    assert page.viewport_size == {"width": PHONE_WIDTH, "height": 800}

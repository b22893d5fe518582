"""Rupiah fields in a real browser: the dots go in as people type, and the bid page's fee
preview reads the amount with them ("150.000" once previewed Rp 108 for a freelancer)."""

import pytest
from playwright.sync_api import expect

from marketplace.formatting import rupiah
from payments.fees import freelancer_receives, platform_fee
from tests.accounts.factories import UserFactory
from tests.projects.factories import GigFactory


@pytest.mark.django_db(transaction=True)
def test_typing_a_bid_price_puts_in_the_dots_and_previews_the_right_fee(
    phone_page, login_in_browser, screenshot
):
    gig = GigFactory(budget=200_000)
    page = phone_page("en")
    login_in_browser(page, UserFactory())
    page.goto(f"/gigs/{gig.pk}/")
    price = page.locator("#id_amount")
    expect(price).to_have_value("200.000")  # the gig's budget, shown as it would be typed

    price.fill("")
    price.press_sequentially("150000")

    expect(price).to_have_value("150.000")
    expect(page.locator("#fee-price")).to_have_text(rupiah(150_000))
    expect(page.locator("#fee-amount")).to_have_text(rupiah(platform_fee(150_000)))
    expect(page.locator("#fee-receives")).to_have_text(rupiah(freelancer_receives(150_000)))
    assert rupiah(freelancer_receives(150_000)) == "Rp 135.000"  # at the default 10 %
    screenshot(page, "bid-price-typed-360")

    # The caret stays where the typing is: one more digit at the end, then one removed.
    price.press("End")
    price.press_sequentially("0")
    expect(price).to_have_value("1.500.000")
    price.press("Backspace")
    expect(price).to_have_value("150.000")
    # A digit typed in the middle lands there, not at the end.
    price.press("Home")
    price.press("ArrowRight")
    price.press_sequentially("2")
    expect(price).to_have_value("1.250.000")
    expect(page.locator("#fee-receives")).to_have_text(rupiah(freelancer_receives(1_250_000)))

    # What is not whole rupiah is left as typed, for the server's message.
    price.fill("")
    price.press_sequentially("1,5")
    expect(price).to_have_value("1,5")

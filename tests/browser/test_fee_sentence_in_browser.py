"""The bid form's fee sentence in a real browser: it follows the typing as the figures do, and
the preview button (for pages without JavaScript) is gone, so Enter sends the bid."""

import pytest
from playwright.sync_api import expect

from marketplace.formatting import rupiah
from payments.fees import freelancer_receives
from tests.accounts.factories import UserFactory
from tests.projects.factories import GigFactory


@pytest.mark.django_db(transaction=True)
def test_the_fee_sentence_follows_the_typed_price(phone_page, login_in_browser):
    gig = GigFactory(budget=200_000)
    page = phone_page("en")
    login_in_browser(page, UserFactory())
    page.goto(f"/gigs/{gig.pk}/")
    sentence = page.locator("#fee-sentence")
    expect(sentence).to_have_text(
        f"You receive {rupiah(freelancer_receives(200_000))} after the fee."
    )
    expect(page.locator("button[name=preview]")).to_have_count(0)

    price = page.locator("#id_amount")
    price.fill("")
    price.press_sequentially("150000")

    expect(sentence).to_have_text(
        f"You receive {rupiah(freelancer_receives(150_000))} after the fee."
    )

"""A refused form lands where the eye is, on a 360-px phone: a bid refused at the bottom of a
long gig page comes back with the bid form's error summary in view and focused, and its link
takes the person to the field to fix."""

import pytest
from playwright.sync_api import expect

from projects.models import Bid
from tests.accounts.factories import UserFactory
from tests.projects.factories import GigFactory

LONG = "Kami butuh logo untuk toko kue rumahan, dengan warna cerah dan huruf yang mudah dibaca. "


@pytest.mark.django_db(transaction=True)
def test_a_refused_bid_shows_its_summary_in_view_with_the_focus(phone_page, login_in_browser):
    gig = GigFactory(budget=200_000, description=LONG * 30)  # the bid form far below the top
    page = phone_page("en")
    login_in_browser(page, UserFactory())
    page.goto(f"/gigs/{gig.pk}/")

    page.locator("#id_amount").fill("banyak")
    page.locator("#id_cover_letter").fill(LONG)
    page.locator("form.bid-form button[type=submit]").last.click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    assert page.evaluate("window.scrollY") > 0  # it is not the top of the page
    box = summary.bounding_box()
    assert box is not None
    assert box["y"] >= 0
    assert box["y"] + min(box["height"], 200) <= 800

    summary.get_by_role("link").first.click()
    expect(page.locator("#id_amount")).to_be_focused()
    expect(page.locator("#id_amount")).to_have_attribute("aria-invalid", "true")
    assert not Bid.objects.exists()

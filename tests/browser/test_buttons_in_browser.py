"""A button's label sits in the middle of the button, whatever it is — a <button>, a link
styled as one (``.button``), the small ones — on the pages people see first: its text's box
is vertically centred in the button's box (within a pixel), on a phone, in both languages."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory
from tests.projects.factories import GigFactory

pytestmark = pytest.mark.django_db(transaction=True)

# For each visible button: how far its label's middle is from the button's middle (pixels),
# with the button's text and class, for the message.
OFF_CENTRE = """
() => [...document.querySelectorAll("button, .button")]
  .filter((el) => el.offsetParent !== null && el.textContent.trim()
                  && !el.classList.contains("link"))
  .map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const text = range.getBoundingClientRect();
    const box = el.getBoundingClientRect();
    return {
      label: `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.trim()}`,
      off: Math.abs((text.top + text.bottom) / 2 - (box.top + box.bottom) / 2),
      height: box.height,
    };
  })
"""


def off_centre(page) -> list[dict]:
    found = page.evaluate(OFF_CENTRE)
    assert found, f"no buttons on {page.url}"
    return [button for button in found if button["off"] > 1]


@pytest.mark.parametrize("language", ["id", "en"])
def test_labels_sit_in_the_middle_of_the_buttons_on_the_browse_page(phone_page, language):
    page = phone_page(language)
    page.goto("/")

    assert off_centre(page) == []


def test_labels_sit_in_the_middle_of_the_buttons_on_a_new_dashboard(phone_page, login_in_browser):
    page = phone_page("id")
    login_in_browser(page, UserFactory())
    page.goto("/dashboard/")

    assert page.locator("a.button.small").count() >= 1
    assert off_centre(page) == []


def test_labels_sit_in_the_middle_of_the_buttons_on_a_gig_page(phone_page, login_in_browser):
    gig = GigFactory()
    page = phone_page("en")
    login_in_browser(page, gig.client)
    page.goto(f"/gigs/{gig.pk}/")

    assert page.locator(".share a.button.small").count() >= 1
    assert off_centre(page) == []


def test_a_hidden_button_stays_hidden(phone_page):
    gig = GigFactory()
    page = phone_page("en")
    page.goto(f"/gigs/{gig.pk}/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<button hidden>x</button>')")

    assert page.locator("body > button[hidden]").is_hidden()

"""The profile photo page in a real browser: the chosen picture is previewed before it is sent
(garap.js, under the Content-Security-Policy), then saved and shown from its own URL."""

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.accounts.test_portfolio import jpeg


@pytest.mark.django_db(transaction=True)
def test_a_chosen_photo_is_previewed_then_saved_and_shown(phone_page, login_in_browser):
    page = phone_page("en")
    login_in_browser(page, UserFactory(display_name="Siti Rahayu"))
    page.goto("/settings/photo/")
    expect(page.get_by_role("img", name="Photo of Siti Rahayu")).to_have_text("SR")
    preview = page.locator("#photo-preview")
    expect(preview).to_be_hidden()

    page.get_by_label("New photo").set_input_files(
        {"name": "wajah.jpg", "mimeType": "image/jpeg", "buffer": jpeg((400, 300))}
    )

    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.naturalWidth") == 400
    page.get_by_role("button", name="Save photo").click()
    expect(page.get_by_text("Your photo is saved.")).to_be_visible()
    saved = page.locator("img.avatar-large")
    expect(saved).to_have_attribute("alt", "Photo of Siti Rahayu")
    assert saved.evaluate("img => img.complete && img.naturalWidth") == 256
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

"""The portfolio pages on a phone: a freelancer's list, a piece's form, the confirmation to
delete it, the profile's gallery and a piece's own page, filled with long unbroken words, fit
a 320- and a 360-pixel screen in both languages; every image they ask for is there; and the
order changes with the up / down buttons, which are plain forms."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from accounts.masking import mask_texts
from accounts.models import FreelancerProfile, PortfolioItem
from accounts.services import portfolio_image_add, portfolio_item_create
from tests.accounts.factories import UserFactory
from tests.browser.test_long_words_in_browser import WIDTHS, WORD, fill, one_line, sticking_out


def png(name: str, size: tuple[int, int]) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 110)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def world(db) -> dict[str, Any]:
    freelancer = UserFactory(display_name=one_line(80))
    profile = FreelancerProfile(user=freelancer, headline=one_line(120), bio=fill(3000))
    mask_texts(profile, hide=False)
    profile.save()
    items = []
    for n in range(3):
        item = portfolio_item_create(
            owner=freelancer, title=f"{n}{one_line(119)}", description=fill(3000)
        )
        item.link = "https://www.tokokue.example/" + "katalog-" * 30
        item.save(update_fields=["link"])
        # A wide and a tall picture, cleaned by the worker as the commit runs it.
        with TestCase.captureOnCommitCallbacks(execute=True):
            for m, size in enumerate(((1600, 400), (300, 900))):
                portfolio_image_add(item_id=item.pk, owner=freelancer, upload=png(f"{m}.png", size))
        items.append(item)
    return {"freelancer": freelancer, "items": items}


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_portfolio_pages_fit_a_phone(world, phone_page, login_in_browser, screenshot, language):
    freelancer, item = world["freelancer"], world["items"][0]
    page = phone_page(language)
    login_in_browser(page, freelancer)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    paths = [
        ("the list", "/settings/portfolio/"),
        ("the form", f"/settings/portfolio/{item.pk}/"),
        ("the new form", "/settings/portfolio/add/"),
        ("deleting", f"/settings/portfolio/{item.pk}/delete/"),
        ("the profile", f"/freelancers/{freelancer.username}/"),
        ("the piece", f"/freelancers/{freelancer.username}/portfolio/{item.pk}/"),
    ]

    too_wide: list[str] = []
    for name, path in paths:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            response = page.goto(path)
            assert response.status == 200, f"{name}: {response.status}"
            if name != "the new form":
                assert WORD[:80] in page.content(), f"{name} does not show the long content"
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy images load
            page.wait_for_load_state("networkidle")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                too_wide.append(f"{name} at {width} px: {scroll} px wide, by {sticking_out(page)}")
            if width == 360:
                screenshot(page, f"portfolio-{name}-{language}")

    assert too_wide == [], too_wide
    assert missing == []


def test_the_order_changes_with_the_buttons(world, phone_page, login_in_browser):
    freelancer, (first, second, third) = world["freelancer"], world["items"]
    page = phone_page("en")
    login_in_browser(page, freelancer)
    page.goto("/settings/portfolio/")

    page.locator(f"#item-{third.pk} button[value=up]").click()
    page.wait_for_url(f"**/settings/portfolio/#item-{third.pk}")

    order = list(
        PortfolioItem.objects.filter(owner=freelancer)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    assert order == [first.pk, third.pk, second.pk]
    assert "moved up" in page.locator(".messages").inner_text()
    headings = page.locator("ol.portfolio-manage h2").all_inner_texts()
    assert [h[:1] for h in headings] == ["0", "2", "1"]

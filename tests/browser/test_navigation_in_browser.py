"""The phone's navigation in a real browser: the tab bar sits at the bottom of a 360-pixel
screen, its tabs are a finger wide and tall, the page's last words scroll clear of it, and no
page is wider than a 320-pixel screen. From 48em the tab bar goes and the header's links come
back."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import Notification
from projects.models import Gig
from tests.accounts.factories import UserFactory
from tests.projects.factories import BidFactory, GigFactory


@pytest.fixture
def busy_user(db) -> Any:
    """Someone in both roles, with a dashboard several screens long and notices to read."""
    user = UserFactory(username="warung_sari_kopi", preferred_language="en")
    for number in range(12):
        GigFactory(client=user, title=f"Desain kemasan kopi nomor {number}")
        GigFactory(client=user, status=Gig.Status.DRAFT, published_at=None)
        BidFactory(freelancer=user)
    for number in range(3):
        Notification.objects.create(
            recipient=user, kind="bid_received", key=f"nav:{number}", title="Penawaran baru"
        )
    return user


def box(locator: Any) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, "not shown"
    return found


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_tab_bar_on_a_phone(busy_user, phone_page, login_in_browser, screenshot, language):
    page = phone_page(language)
    login_in_browser(page, busy_user)
    page.goto("/dashboard/")
    tabbar = page.locator("nav.tabbar")
    expect(tabbar).to_be_visible()

    # At the bottom of the screen, across its width, before and after scrolling.
    height = page.viewport_size["height"]
    bar = box(tabbar)
    assert abs(bar["y"] + bar["height"] - height) <= 1, bar
    assert bar["x"] == 0
    assert bar["width"] == 360
    tabs = tabbar.locator("a")
    expect(tabs).to_have_count(5)
    for index in range(5):
        tab = box(tabs.nth(index))
        assert tab["height"] >= 48, tab
        assert tab["width"] >= 48, tab
    expect(tabbar.locator("a[aria-current='page']")).to_have_attribute("href", "/dashboard/")
    expect(tabbar.locator("a[href='/notifications/'] .badge")).to_have_text("3")

    # The header keeps the brand, "Post a gig" and the bell; the rest is in the tab bar.
    header = page.locator("header.site")
    expect(header.locator("a.brand")).to_be_visible()
    expect(header.locator("a[href='/gigs/new/']")).to_be_visible()
    bell = header.locator("a.bell")
    expect(bell).to_be_visible()
    expect(bell.locator(".badge")).to_have_text("3")
    assert box(bell)["height"] >= 48
    for hidden in ("/dashboard/", "/wallet/", "/settings/"):
        expect(header.locator(f"a[href='{hidden}']")).to_be_hidden()
    assert box(header)["height"] < 80  # one row
    screenshot(page, f"navigation-phone-{language}")

    # Scrolled to the end, the page's last words are above the tab bar, not under it.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("window.scrollY > 0")
    bar = box(tabbar)
    assert abs(bar["y"] + bar["height"] - height) <= 1, "the tab bar scrolled away"
    last = page.locator("footer.site > *").last
    assert box(last)["y"] + box(last)["height"] <= bar["y"], "the tab bar covers the footer"
    logout = page.locator("footer.site .more-links button")
    expect(logout).to_be_visible()
    assert box(logout)["y"] + box(logout)["height"] <= bar["y"]

    # A tap on a tab opens its page, which is then the current tab.
    tabs.nth(3).tap()
    page.wait_for_url("**/wallet/")
    expect(page.locator("nav.tabbar a[aria-current='page']")).to_have_attribute("href", "/wallet/")

    # Nothing is wider than the screen, on the narrowest phone too.
    for width in (320, 360):
        page.set_viewport_size({"width": width, "height": 640})
        for path in ("/dashboard/", "/notifications/", "/"):
            page.goto(path)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} at {width} px is {scroll} px wide"
            bar = box(page.locator("nav.tabbar"))
            assert bar["width"] == width


def test_anonymous_visitors_have_no_tab_bar_and_fit_320_pixels(phone_page):
    page = phone_page("id")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")

    expect(page.locator("nav.tabbar")).to_have_count(0)
    for href in ("/", "/freelancers/", "/accounts/login/", "/accounts/signup/"):
        expect(page.locator(f"header nav a[href='{href}']")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_wide_screens_keep_the_header_links_and_no_tab_bar(
    busy_user, phone_page, login_in_browser, screenshot
):
    page = phone_page("en")
    login_in_browser(page, busy_user)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto("/wallet/")

    expect(page.locator("nav.tabbar")).to_be_hidden()
    expect(page.locator("footer .more-links")).to_be_hidden()
    header = page.locator("header.site nav")
    for href in ("/", "/freelancers/", "/gigs/new/", "/dashboard/", "/wallet/", "/settings/"):
        expect(header.locator(f"a[href='{href}']")).to_be_visible()
    expect(header.locator("a[href='/wallet/']")).to_have_attribute("aria-current", "page")
    bell = header.locator("a.bell")
    expect(bell).to_have_attribute("aria-label", "Notifications, 3 unread")
    expect(bell).to_contain_text("Notifications")
    expect(header.locator("form[action='/accounts/logout/'] button")).to_be_visible()
    screenshot(page, "navigation-wide")

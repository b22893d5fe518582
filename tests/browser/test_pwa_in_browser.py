"""The installable web app in Chromium: the manifest it reads, the service worker that
registers under the Content-Security-Policy, and the offline page it shows when a page cannot
load — while a signed-in page is never kept for offline use."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.fakes.web_push import vapid_key_pair

pytestmark = pytest.mark.django_db(transaction=True)


def _controlled(page) -> None:
    """Wait until the worker is installed (its shell cached) and controls the page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()  # a worker controls pages loaded after it activated
    page.wait_for_function("!!navigator.serviceWorker.controller")


def test_the_manifest_is_valid_json_with_what_an_install_needs(phone_page):
    page = phone_page("en")
    page.goto("/")
    href = page.locator('link[rel="manifest"]').get_attribute("href")

    response = page.request.get(href)

    manifest = json.loads(response.text())
    for field in ("name", "short_name", "start_url", "display", "theme_color", "icons", "lang"):
        assert field in manifest
    assert manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert page.request.get(icon["src"]).headers["content-type"] == "image/png"


def test_offline_a_page_shows_the_offline_page(phone_page, csp_violations):
    page = phone_page("en")
    page.goto("/")
    _controlled(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")

    page.context.set_offline(True)
    page.goto("/freelancers/")

    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    # The stylesheet came from the shell: the page is styled without a connection.
    assert page.locator(".brand").evaluate("e => getComputedStyle(e).fontWeight") == "800"

    page.context.set_offline(False)
    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("You are offline")
    assert csp_violations == []


def test_a_signed_in_page_is_not_kept_for_offline_use(phone_page, login_in_browser):
    user = User.objects.create_user(
        username="pwa_client", email="pwa@example.com", password="x" * 12, preferred_language="en"
    )
    page = phone_page("en")
    login_in_browser(page, user)
    page.goto("/dashboard/")
    _controlled(page)
    page.goto("/dashboard/")  # loaded once more, now through the worker

    page.context.set_offline(True)
    page.goto("/dashboard/")

    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    assert "pwa_client" not in page.content()
    cached = page.evaluate(
        """async () => {
          const urls = [];
          for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
          }
          return urls;
        }"""
    )
    assert "/offline/" in cached
    assert not [url for url in cached if url.startswith(("/dashboard", "/api/"))]


def test_the_phone_notices_page_offers_the_switch_under_the_policy(
    phone_page, login_in_browser, settings, csp_violations
):
    settings.WEB_PUSH_ENABLED = True
    settings.VAPID_PUBLIC_KEY = vapid_key_pair()[0]
    user = User.objects.create_user(
        username="pwa_phone", email="phone@example.com", password="x" * 12, preferred_language="en"
    )
    page = phone_page("en")
    login_in_browser(page, user)

    page.goto("/settings/phone/")

    # The script showed the switch (hidden without it) and says where this phone stands.
    expect(page.get_by_role("button", name="Turn on notifications on this phone")).to_be_visible()
    expect(page.locator("#push-status")).to_have_text("Notifications are off for this phone.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert csp_violations == []


def test_a_push_message_shows_the_notice_with_its_tag(phone_page):
    """The service worker's push handler, fed through Chromium's DevTools as a push service
    would (the payload the outbox sends: accounts.services.phone_notices)."""
    page = phone_page("en")
    page.context.grant_permissions(["notifications"])
    page.goto("/")
    _controlled(page)
    cdp = page.context.new_cdp_session(page)
    registrations: list = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    for _wait in range(100):  # the registration's event arrives on the session's thread
        if registrations:
            break
        page.wait_for_timeout(50)
    [registration] = [r for r in registrations if r["scopeURL"].endswith("/")][:1]
    notice = {
        "title": "Payment released for “Desain logo”",
        "body": "Rp 120.000 less the platform fee is in your wallet.",
        "url": "/contracts/1/",
        "tag": "a" * 32,
    }

    for _copy in range(2):  # a copy sent again after a crash replaces the first
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": page.evaluate("location.origin"),
                "registrationId": registration["registrationId"],
                "data": json.dumps(notice),
            },
        )
    page.wait_for_function(
        "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(n => n.length > 0)"
    )
    page.wait_for_timeout(500)  # time for the second copy to be shown (beside or instead)
    shown = page.evaluate(
        """navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list =>
             list.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url})))"""
    )
    assert shown == [{**notice}]

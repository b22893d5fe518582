"""The installable web app: the manifest, the service worker served from the site root, and the
offline page it keeps. (Chromium installs and runs them in tests/browser/test_pwa_in_browser.py.)"""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client
from PIL import Image

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_and_its_icons():
    response = Client(headers={"accept-language": "en"}).get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Garap"
    assert manifest["short_name"] == "Garap"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0f766e"
    assert manifest["lang"] == "en"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}


def test_the_manifest_speaks_the_browsers_language():
    manifest = Client(headers={"accept-language": "id"}).get("/manifest.webmanifest").json()
    assert manifest["lang"] == "id"


@pytest.mark.parametrize(
    ("path", "size"),
    [
        ("garap/icons/icon-192.png", 192),
        ("garap/icons/icon-512.png", 512),
        ("garap/icons/icon-maskable-512.png", 512),
    ],
)
def test_the_icons_are_square_pngs_of_their_size(path, size):
    found = finders.find(path)
    assert found, f"marketplace/static/{path} is missing"
    with Image.open(found) as icon:
        assert icon.format == "PNG"
        assert icon.size == (size, size)


def test_the_maskable_icon_fills_its_square():
    # A launcher cuts a maskable icon to its own shape: transparent corners would show as holes.
    with Image.open(finders.find("garap/icons/icon-maskable-512.png")) as icon:
        assert icon.convert("RGBA").getpixel((0, 0))[3] == 255


def test_the_service_worker_is_served_from_the_root_for_the_whole_site():
    response = Client().get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    shell = json.loads(re.search(r"var SHELL = (\[.*?\]);", script).group(1))
    assert static("garap/garap.css") in shell
    assert static("garap/garap.js") in shell
    assert static("garap/icons/icon-192.png") in shell
    assert "/offline/" in shell


def test_the_service_worker_caches_no_page_and_no_api_answer():
    # Only the shell is ever put in the cache (at install): no cache.put of what a page answered.
    script = Client().get("/sw.js").content.decode()
    assert "cache.put" not in script
    assert "/api/" not in re.search(r"var SHELL = (\[.*?\]);", script).group(1)


def test_a_new_shell_is_a_new_worker(settings):
    before = Client().get("/sw.js").content
    settings.STATIC_URL = "/static/v2/"
    after = Client().get("/sw.js").content
    # Another cache name: the browser installs the new worker, which drops the old shell.
    assert re.search(rb'var CACHE = "([^"]+)"', before).group(1) != re.search(
        rb'var CACHE = "([^"]+)"', after
    ).group(1)


@pytest.mark.parametrize("language", ["en", "id"])
def test_every_page_links_the_manifest_and_theme_colour(language):
    html = Client(headers={"accept-language": language}).get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#0f766e">' in html


def test_the_offline_page_holds_nothing_about_the_person():
    user = User.objects.create_user(
        username="offline_reader", email="reader@example.com", password="x" * 12
    )
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)

    response = client.get("/offline/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "You are offline" in html
    assert "offline_reader" not in html
    assert "csrfmiddlewaretoken" not in html
    assert "<form" not in html


def test_the_offline_page_is_open_to_anyone():
    response = Client(headers={"accept-language": "en"}).get("/offline/")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/sw.js", "/manifest.webmanifest", "/offline/"])
def test_the_app_files_take_no_post(path):
    assert Client().post(path).status_code == 405

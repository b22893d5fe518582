"""Every page names its icon, and ``/favicon.ico`` (asked for by browsers and crawlers whatever
the page links) leads to it: no page visit ends in a 404 for the icon."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client
from PIL import Image

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_static_icon():
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("garap/favicon.ico")


def test_the_icon_is_a_small_ico_file():
    path = finders.find("garap/favicon.ico")
    assert path, "marketplace/static/garap/favicon.ico is missing"
    with Image.open(path) as icon:
        assert icon.format == "ICO"
        assert icon.size[0] <= 64


@pytest.mark.parametrize("language", ["en", "id"])
def test_every_page_links_the_icon(language):
    html = Client(headers={"accept-language": language}).get("/").content.decode()
    link = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert link, "base.html links no icon"
    assert link.group(1) == static("garap/favicon.ico")

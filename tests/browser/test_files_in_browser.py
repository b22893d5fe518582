"""Delivered files as Chromium gets them from the contract page's links: an image and a PDF
open in the browser (under their sandbox policy), a page or an SVG is saved, never shown."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.projects.test_private_files import SVG, delivered
from tests.samples import PDF

pytestmark = pytest.mark.django_db(transaction=True)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_a_delivered_image_opens_in_the_browser(phone_page, login_in_browser):
    url, client = delivered("hasil.png", png())
    page = phone_page("en")
    login_in_browser(page, client)

    response = page.goto(url)

    assert response.status == 200
    assert page.evaluate("document.contentType") == "image/png"
    assert page.evaluate("document.images[0].naturalWidth") == 40


def test_a_delivered_pdf_opens_in_the_browser(phone_page, login_in_browser):
    url, client = delivered("hasil.pdf", PDF)
    page = phone_page("en")
    login_in_browser(page, client)

    response = page.goto(url, wait_until="commit")

    assert response.status == 200
    assert response.header_value("content-security-policy") == "sandbox"
    page.wait_for_function("document.contentType === 'application/pdf'")


@pytest.mark.parametrize(("name", "content"), [("logo.svg", SVG), ("hasil.png", b"<html>x")])
def test_a_page_or_an_svg_is_saved_not_shown(phone_page, login_in_browser, name, content):
    url, client = delivered(name, content)
    page = phone_page("en")
    login_in_browser(page, client)
    page.goto("/")

    with page.expect_download() as download:
        page.evaluate(f"location.href = {url!r}")

    assert download.value.suggested_filename == name

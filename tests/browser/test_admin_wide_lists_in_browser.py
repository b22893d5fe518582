"""The admin's change lists on a laptop (1 280 and 1 024 px wide), in Bahasa Indonesia, whose
labels run longer than English: every column — the flag columns at the right end included — is
on screen, or the table scrolls inside its own box; the page itself never scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import User
from tests.browser.conftest import watch_csp

# The change lists with the most columns, their flag columns last or nearly.
CHANGELISTS = [
    "/admin/projects/gig/",
    "/admin/projects/dispute/",
    "/admin/projects/contract/",
    "/admin/projects/bid/",
    "/admin/projects/report/",
    "/admin/payments/withdrawal/",
    "/admin/payments/depositrefund/",
    "/admin/accounts/user/",
]

# Where the last column's header ends, and whether the table's box scrolls to it: the header's
# right edge within the viewport, or inside an ancestor that scrolls sideways and itself fits.
LAST_COLUMN = """
() => {
  const table = document.querySelector('#result_list');
  if (!table) return null;
  const cells = table.querySelectorAll('thead th');
  const box = table.closest('.results').getBoundingClientRect();
  return {
    right: cells[cells.length - 1].getBoundingClientRect().right,
    boxRight: box.right,
    viewport: document.documentElement.clientWidth,
    pageWidth: document.documentElement.scrollWidth,
  };
}
"""


@pytest.fixture
def laptop_page(browser: Any, live_server: Any, csp_violations: list[str]) -> Iterator[Any]:
    """``laptop_page(width)`` → a page in a fresh desktop context, in Bahasa Indonesia."""
    contexts: list[Any] = []

    def open_page(width: int) -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            timezone_id="Asia/Jakarta",
            locale="id-ID",
            viewport={"width": width, "height": 900},
            screen={"width": width, "height": 900},
            is_mobile=False,
            has_touch=False,
            device_scale_factor=1,
        )
        watch_csp(context, csp_violations)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 1024])
def test_every_column_of_the_admin_lists_can_be_seen(laptop_page, login_in_browser, width):
    call_command("load_demo_data")
    page = laptop_page(width)
    login_in_browser(page, User.objects.get(username="admin"))

    for url in CHANGELISTS:
        response = page.goto(url)
        assert response.status == 200, url
        found = page.evaluate(LAST_COLUMN)
        print(url, found)
        # Nothing makes the page itself wider than the window.
        assert found["pageWidth"] <= found["viewport"], (url, found)
        if found["right"] > found["viewport"]:
            # Past the window's edge only inside a box that scrolls to it and fits the window.
            assert found["scrollerRight"] is not None, (url, found)
            assert found["scrollerRight"] <= found["viewport"], (url, found)

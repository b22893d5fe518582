"""The admin's change lists on a laptop (1 280 and 1 024 px wide), in Bahasa Indonesia, whose
labels run longer than English: at 1 280 px every column — the flag columns at the right end
included — is on screen; at 1 024 px it is, or the list scrolls inside its own box, which fits
the window; the page itself never scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import User
from payments.services.deposits import deposit_complete
from tests.accounts.factories import UserFactory
from tests.admin.test_payments_admin import request_withdrawal
from tests.browser.conftest import watch_csp
from tests.projects.factories import top_up

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
  const results = table.closest('.results');
  return {
    right: cells[cells.length - 1].getBoundingClientRect().right,
    boxRight: box.right,
    boxScrolls: ['auto', 'scroll'].includes(getComputedStyle(results).overflowX)
      && results.scrollWidth > results.clientWidth,
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


def _cut_columns(page: Any, *, scrolling_allowed: bool) -> list[tuple[str, dict]]:
    """The change lists whose last column ends past the list's visible box or the window (with
    ``scrolling_allowed``: unless the list's box, which fits the window, scrolls to it)."""
    cut = []
    for url in CHANGELISTS:
        response = page.goto(url)
        assert response.status == 200, url
        found = page.evaluate(LAST_COLUMN)
        assert found is not None, f"{url}: no rows to show"
        # The page itself is never wider than the window.
        assert found["pageWidth"] <= found["viewport"], (url, found)
        if found["right"] <= min(found["boxRight"], found["viewport"]) + 1:
            continue
        if scrolling_allowed and found["boxScrolls"] and found["boxRight"] <= found["viewport"]:
            continue
        cut.append((url, found))
    return cut


@pytest.mark.django_db(transaction=True)
def test_every_column_of_the_admin_lists_is_on_screen(laptop_page, login_in_browser, settings):
    settings.PAYMENT_GATEWAY = "sandbox"
    call_command("load_demo_data")
    # The demo has no withdrawal and no refund to list: one of each, the refund a chargeback.
    request_withdrawal()
    deposit = top_up(UserFactory(), 150_000)
    deposit_complete(
        provider="sandbox",
        reference=deposit.reference,
        status="refunded",
        amount=150_000,
        refunded=150_000,
    )
    admin = User.objects.get(username="admin")

    # 1 280 px: every column on screen. 1 024 px: on screen, or the list's own box (the whole
    # page's width: the filters go under it) scrolls to it.
    for width, scrolling_allowed in ((1280, False), (1024, True)):
        page = laptop_page(width)
        login_in_browser(page, admin)

        assert _cut_columns(page, scrolling_allowed=scrolling_allowed) == [], width

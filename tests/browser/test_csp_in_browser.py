"""The Content-Security-Policy in Chromium: the API docs (Swagger UI) and the admin work under
it, and it really blocks an inline script — which the ``csp_violations`` fixture (conftest.py)
then sees, as it would on any page of the other browser tests."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from projects.models import Dispute


@pytest.mark.django_db(transaction=True)
def test_swagger_ui_works_under_the_policy(phone_page, csp_violations):
    page = phone_page("en")

    response = page.goto("/api/docs/")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Garap API")
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/categories/").first
    operation.click()
    expect(page.get_by_role("button", name="Try it out").first).to_be_visible()
    assert csp_violations == []


@pytest.mark.django_db(transaction=True)
def test_the_admin_works_under_the_policy(phone_page, login_in_browser, csp_violations):
    call_command("load_demo_data")
    page = phone_page("en")
    login_in_browser(page, User.objects.get(username="admin"))
    dispute = Dispute.objects.order_by("pk").first()

    page.goto("/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto("/admin/projects/gig/")
    expect(page.locator("#result_list")).to_be_visible()
    page.goto(f"/admin/projects/dispute/{dispute.pk}/change/")
    expect(page.locator(".console")).to_be_visible()
    # The console's stylesheet (marketplace/static/garap/admin.css) applied, not blocked.
    applied = page.locator(".console section").first.evaluate(
        "s => { const c = getComputedStyle(s);"
        " return parseFloat(c.marginBottom) === 1.5 * parseFloat(c.fontSize); }"
    )
    assert applied
    assert csp_violations == []


@pytest.mark.django_db(transaction=True)
def test_the_policy_blocks_an_inline_script_and_the_console_reports_it(phone_page, csp_violations):
    page = phone_page("en")
    page.goto("/")

    with pytest.raises(Exception):  # noqa: B017, PT011 - Playwright's own error type
        page.add_script_tag(content="window.injected = true;")

    assert page.evaluate("window.injected === undefined")
    assert any("inline script" in violation for violation in csp_violations)
    csp_violations.clear()  # expected here; any other test with one fails

"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test in this folder is marked ``browser``. Without Chromium (``apt-get install -y
chromium``) they are skipped with a reason; under ``CI=true`` or ``GARAP_REQUIRE_BROWSER=1``
(``make test-browser``) a missing Chromium stops the run with an error instead, as
``GARAP_REQUIRE_SERVICES`` does for PostgreSQL and Redis (tests/conftest.py): a green CI run
means the browser tests really ran.

Fixtures for tests here:

- ``phone_page(language="id")`` — a new page in a fresh browser context: a 360×800 phone,
  Asia/Jakarta, the browser's language (its ``Accept-Language``) set to ``language``; relative
  URLs go to the live server (``page.goto("/wallet/")``). The plain ``page`` fixture is the same
  phone in Bahasa Indonesia.
- ``login_in_browser(page, user)`` — signs the page's context in as ``user`` (a session cookie
  made with Django's ``force_login``; the login form itself has tests of its own).
- ``csp_violations`` — (autouse) what the Content-Security-Policy blocked, from the console of
  every page opened through these fixtures; a passing test fails at teardown if any.
- ``screenshot(page, name)`` — saves a full-page PNG to ``var/test-artifacts/screenshots/``
  (``GARAP_TEST_ARTIFACTS`` moves ``var/test-artifacts``) and returns its path. A failing test
  leaves ``FAILED-<test>-<n>.png`` of each page it opened there too.

Pages make the gateway's webhook and other tasks happen as in the other tests: Celery runs them
in-process when their transaction commits, and ``SITE_URL`` is the live server here, so the
sandbox gateway's webhook reaches it before the "Pay" page answers.

Playwright's sync API keeps an asyncio loop running in the test thread while it is started, and
Django refuses database calls next to a running loop unless ``DJANGO_ALLOW_ASYNC_UNSAFE`` is
set. Playwright and the browser are therefore started once for this folder (package scope, not
the plugin's session scope) and stopped when its tests are done, and the variable is set only
meanwhile: the rest of the suite runs without a loop and with Django's check. A test here must
use these fixtures rather than start its own ``sync_playwright()`` next to them.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Generator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

HERE = Path(__file__).resolve().parent
ARTIFACTS = Path(
    os.environ.get("GARAP_TEST_ARTIFACTS") or HERE.parent.parent / "var" / "test-artifacts"
)
SCREENSHOTS = ARTIFACTS / "screenshots"

PHONE = {"width": 360, "height": 800}
LOCALES = {"id": "id-ID", "en": "en-US"}
CHROMIUM_FLAGS = [
    "--no-sandbox",  # tests run as root in CI containers
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Playwright's own default is 30 s; a page of ours answers in well under a second.
TIMEOUT_MS = 10_000


def chromium_path() -> str | None:
    return shutil.which("chromium")


def _browser_problem() -> str | None:
    if find_spec("playwright") is None or find_spec("pytest_playwright") is None:
        return "Playwright is not installed (pip install -r requirements-dev.txt)"
    if chromium_path() is None:
        return "Chromium is not installed (apt-get install -y chromium)"
    return None


def _browser_required() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("GARAP_REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ours = [item for item in items if HERE in Path(str(item.path)).resolve().parents]
    for item in ours:
        item.add_marker(pytest.mark.browser)
    if not ours:
        return
    problem = _browser_problem()
    if problem is None:
        return
    if _browser_required():
        pytest.exit(f"CI=true or GARAP_REQUIRE_BROWSER=1 but {problem}", returncode=3)
    skip = pytest.mark.skip(reason=f"{problem}: the browser tests need it (CI fails instead)")
    for item in ours:
        item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    # Keep each phase's report on the test, so fixtures can tell at teardown that it failed.
    report = yield
    setattr(item, f"garap_report_{report.when}", report)
    return report


# --- Playwright and Chromium, once for this folder --------------------------------------------


@pytest.fixture(scope="package", autouse=True)
def _django_next_to_playwrights_loop() -> Generator[None, None, None]:
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="package")
def playwright() -> Generator[Any, None, None]:
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="package")
def browser_type(playwright: Any, browser_name: str) -> Any:
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def browser_type_launch_args(pytestconfig: pytest.Config) -> dict[str, Any]:
    """Debian's Chromium, headless (``--headed`` shows it where there is a display)."""
    return {
        "executable_path": chromium_path(),
        "headless": not pytestconfig.getoption("--headed"),
        "args": CHROMIUM_FLAGS,
        "slow_mo": pytestconfig.getoption("--slowmo"),
    }


@pytest.fixture(scope="package")
def launch_browser(browser_type: Any, browser_type_launch_args: dict[str, Any]) -> Callable:
    def launch(**kwargs: Any) -> Any:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable) -> Generator[Any, None, None]:
    chromium = launch_browser()
    yield chromium
    chromium.close()


@pytest.fixture(scope="package")
def browser_context_args(live_server: Any) -> dict[str, Any]:
    """A phone in Jakarta, pointed at the live server. The language is given per context (see
    ``phone_page``)."""
    return {
        "viewport": PHONE,
        "screen": PHONE,
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "timezone_id": "Asia/Jakarta",
        "base_url": live_server.url,
    }


# --- the site under test --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _site_is_the_live_server(request: pytest.FixtureRequest) -> None:
    """Links the site builds (the gateway's checkout URL, its webhook's target) point at the
    live server the browser talks to."""
    if "live_server" in request.fixturenames:
        live_server = request.getfixturevalue("live_server")
        request.getfixturevalue("settings").SITE_URL = live_server.url


# --- pages, sign-in, screenshots ------------------------------------------------------------


@pytest.fixture(autouse=True)
def csp_violations(request: pytest.FixtureRequest) -> Generator[list[str], None, None]:
    """What the Content-Security-Policy blocked on any page a test opened (Chromium reports each
    on the console). A test that passed fails here if the list is not empty: every page must
    work under the policy, not only look right."""
    violations: list[str] = []
    yield violations
    report = getattr(request.node, "garap_report_call", None)
    if report is not None and report.passed:
        assert violations == [], "the Content-Security-Policy blocked something"


def _from_axe(message: Any) -> bool:
    """axe-core (tests/browser/axe.py) styles the elements it measures; evaluated by the test,
    its style has no URL. The page's own inline styles are reported with the page's URL, and
    an inline script with none is still a violation."""
    return message.text.startswith("Applying inline style") and not message.location.get("url")


def watch_csp(context: Any, violations: list[str]) -> None:
    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text and not _from_axe(message):
            violations.append(f"{message.location.get('url', '?')}: {message.text}")

    context.on("console", on_console)


@pytest.fixture
def phone_page(
    new_context: Callable, request: pytest.FixtureRequest, csp_violations: list[str]
) -> Generator[Callable[..., Any], None, None]:
    """``phone_page(language="id")`` → a Playwright page in a fresh context (its own cookies)."""
    pages: list[Any] = []

    def open_page(language: str = "id") -> Any:
        context = new_context(locale=LOCALES.get(language, language))
        watch_csp(context, csp_violations)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = context.new_page()
        pages.append(page)
        return page

    yield open_page
    _screenshot_if_failed(request, pages)


@pytest.fixture
def context(new_context: Callable, csp_violations: list[str]) -> Any:
    """The plugin's ``page`` fixture: the same phone, in Bahasa Indonesia."""
    phone = new_context(locale=LOCALES["id"])
    watch_csp(phone, csp_violations)
    phone.set_default_timeout(TIMEOUT_MS)
    return phone


@pytest.fixture
def login_in_browser(live_server: Any) -> Callable[[Any, Any], None]:
    """``login_in_browser(page, user)``: the page's browser context is signed in as ``user``."""

    def sign_in(page: Any, user: Any) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    return sign_in


def save_screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name).strip('-')}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """``screenshot(page, "wallet-after-top-up")`` → the saved PNG's path."""
    return save_screenshot


def _screenshot_if_failed(request: pytest.FixtureRequest, pages: list[Any]) -> None:
    report = getattr(request.node, "garap_report_call", None)
    if report is None or not report.failed:
        return
    for number, page in enumerate(pages, start=1):
        if not page.is_closed():
            try:
                save_screenshot(page, f"FAILED-{request.node.name}-{number}")
            except Exception:  # noqa: S112 - the test's own failure is what matters
                continue

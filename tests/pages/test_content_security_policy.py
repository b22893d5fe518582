"""Every HTML page Garap serves carries a Content-Security-Policy that allows no inline script,
and holds no markup that policy would block: the marketplace's pages (each route of the URLconf,
as a visitor, the client and the freelancer), the admin (every registered model's list, add and
change pages, as a superuser), the API docs and the error pages. The browser tests
(tests/browser) check the same in Chromium: no CSP violation in the console."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Notification, PortfolioImage, User
from accounts.services import portfolio_item_create
from payments.models import Deposit, LedgerTransaction
from payments.services.deposits import deposit_create
from projects.models import Bid, Contract, Milestone

# Data, not code: a browser never runs these, and CSP does not govern them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def header_problems(response) -> list[str]:
    directives = policy(response)
    if not directives:
        return ["no Content-Security-Policy header"]
    problems = []
    scripts = directives.get("script-src", directives.get("default-src", []))
    for word in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
        if word in scripts:
            problems.append(f"script-src allows {word}")
    if "'self'" not in directives.get("default-src", []):
        problems.append("default-src is not 'self'")
    if directives.get("object-src") != ["'none'"]:
        problems.append("object-src is not 'none'")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append("frame-ancestors is not 'none'")
    if directives.get("base-uri") != ["'self'"]:
        problems.append("base-uri is not 'self'")
    return problems


class _InlineFinder(HTMLParser):
    """Collects what a policy of 'self' (plus this response's nonce) would block."""

    def __init__(self, nonce: str | None) -> None:
        super().__init__()
        self.nonce = nonce
        self.problems: list[str] = []
        self._open: tuple[str, dict] | None = None
        self._text = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        # Not the policy's business, but every page passes here: a template block left open
        # pours the page's markup into its <title>.
        if self._in_title:
            self.problems.append(f"<{tag}> inside <title> (a template block left open?)")
        if tag == "title":
            self._in_title = True
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> (an inline event handler)")
            if name == "style":
                self.problems.append(f"<{tag} style=…> (an inline style)")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}='javascript:…'>")
        if tag in ("script", "style"):
            self._open, self._text = (tag, attributes), ""

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if not self._open or tag != self._open[0]:
            return
        kind, attributes = self._open
        self._open = None
        nonced = self.nonce is not None and attributes.get("nonce") == self.nonce
        if kind == "script":
            if attributes.get("src") or (attributes.get("type") or "") in DATA_SCRIPT_TYPES:
                return
            if self._text.strip() and not nonced:
                self.problems.append(f"an inline <script> without the nonce: {self._text[:60]!r}")
        elif self._text.strip() and not nonced:
            self.problems.append(f"an inline <style> without the nonce: {self._text[:60]!r}")


def markup_problems(response) -> list[str]:
    scripts = policy(response).get("script-src", [])
    nonces = [w[len("'nonce-") : -1] for w in scripts if w.startswith("'nonce-")]
    finder = _InlineFinder(nonces[0] if nonces else None)
    finder.feed(response.content.decode())
    return finder.problems


def check(response, where: str, failures: list[str], checked: list[str]) -> None:
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    checked.append(where)
    for problem in header_problems(response) + markup_problems(response):
        failures.append(f"{where}: {problem}")


# --- the world every page is opened in -------------------------------------------------------


@pytest.fixture
def world(db):
    call_command("load_demo_data")
    contract = Contract.objects.order_by("pk").first()
    client, freelancer = contract.client, contract.freelancer
    bid = Bid.objects.filter(gig=contract.gig).order_by("pk").first()
    reset_user = User.objects.get(pk=client.pk)
    # The demo freelancer's piece, with an image (as if a worker had cleaned it).
    item = portfolio_item_create(owner=freelancer, title="Logo kedai kopi")
    image = PortfolioImage.objects.create(
        item=item, image="portfolio/demo.png", content_type="image/png", width=8, height=8, size=1
    )
    return {
        "client": client,
        "freelancer": freelancer,
        "kwargs": {
            "gig_id": contract.gig_id,
            "bid_id": bid.pk,
            "contract_id": contract.pk,
            "milestone_id": Milestone.objects.filter(contract=contract).first().pk,
            "notification_id": Notification.objects.filter(recipient=client).first().pk,
            "username": freelancer.username,
            "item_id": item.pk,
            "image_id": image.pk,
            "reference": deposit_create(user=client, amount=100_000).reference,
            # Receipts are PDFs; someone else's, or a missing one, is the HTML 404 page.
            "deposit_id": Deposit.objects.order_by("pk").first().pk,
            "withdrawal_id": 999_999,
            "destination_id": 999_999,  # removing one is a POST; a GET is refused
            "transaction_id": LedgerTransaction.objects.order_by("pk").first().pk,
            "uidb64": urlsafe_base64_encode(force_bytes(reset_user.pk)),
            "token": default_token_generator.make_token(reset_user),
            # The report pages: the contract's gig (the client's own: the page says so), and
            # someone's report, which is a 404 page for anyone else.
            "target_type": "gig",
            "target_id": contract.gig_id,
            "report_id": 999_999,
        },
    }


def page_routes() -> list[tuple[str, URLPattern]]:
    """Every route of the URLconf outside the API and the admin (checked below)."""

    def walk(patterns, prefix: str = ""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    return [
        (route, pattern)
        for route, pattern in walk(get_resolver().url_patterns)
        if not route.startswith(("api/", "^api/", "admin/"))
    ]


def test_every_page_has_a_policy_without_inline_scripts(world):
    failures: list[str] = []
    checked: list[str] = []
    visitors = {
        "a visitor": Client(headers={"accept-language": "en"}),
        "the client": Client(headers={"accept-language": "en"}),
        "the freelancer": Client(headers={"accept-language": "id"}),
    }
    visitors["the client"].force_login(world["client"])
    visitors["the freelancer"].force_login(world["freelancer"])
    for route, pattern in page_routes():
        missing = set(pattern.pattern.converters) - set(world["kwargs"])
        assert not missing, f"{route}: give test_content_security_policy an example {missing}"
        kwargs = {name: world["kwargs"][name] for name in pattern.pattern.converters}
        path = reverse(pattern.name, kwargs=kwargs) if pattern.name else "/" + route
        for who, browser in visitors.items():
            check(browser.get(path), f"GET {path} as {who}", failures, checked)
    # Forms answered with their errors (a POST that fails validation renders the page again).
    for name in ("login", "signup", "password_reset"):
        path = reverse(name)
        check(Client().post(path, {}), f"POST {path} (invalid)", failures, checked)

    assert failures == []
    # The walk really rendered the pages people use, not only redirects.
    for page in ("/ as a visitor", "/gigs/new/ as the client", "/wallet/ as the client"):
        assert any(page in where for where in checked), page
    assert len(checked) >= 60


def test_every_admin_page_has_a_policy_without_inline_scripts(world):
    root = User.objects.create_superuser("root-csp", "root-csp@example.com", "x")
    browser = Client(headers={"accept-language": "en"})
    failures: list[str] = []
    checked: list[str] = []
    check(browser.get("/admin/login/"), "GET /admin/login/ (signed out)", failures, checked)
    browser.force_login(root)
    check(browser.get("/admin/"), "GET /admin/", failures, checked)
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        paths = [reverse("admin:{}_{}_changelist".format(*info))]
        if model_admin.has_add_permission(_request_for(root)):
            paths.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            paths.append(reverse("admin:{}_{}_history".format(*info), args=[first.pk]))
        for path in paths:
            response = browser.get(path)
            assert response.status_code in (200, 302), (path, response.status_code)
            check(response, f"GET {path}", failures, checked)

    assert failures == []
    assert len(checked) >= 2 * len(admin.site._registry)


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.django_db
def test_the_api_docs_have_a_policy_and_load_their_script_from_a_file():
    browser = Client()
    failures: list[str] = []
    checked: list[str] = []

    page = browser.get("/api/docs/")
    check(page, "GET /api/docs/", failures, checked)
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', page.content.decode())
    script = browser.get(script_url.group(1).replace("&amp;", "&"))

    assert failures == []
    assert checked == ["GET /api/docs/"]
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.django_db
def test_error_pages_have_the_policy_too():
    failures: list[str] = []
    checked: list[str] = []
    check(Client().get("/no-such-page/"), "404 page", failures, checked)
    check(Client().get("/", HTTP_HOST="evil.example"), "400 page", failures, checked)

    assert failures == []
    assert checked == ["404 page", "400 page"]


def test_the_checker_catches_what_the_policy_would_block():
    """The checks above are only as good as this parser: it must see each kind of inline code."""
    html = (
        b'<script>alert(1)</script><script type="application/json">{"a": 1}</script>'
        b'<script nonce="abc">ok()</script><style>p{}</style><p style="color:red" '
        b'onclick="x()"><a href="javascript:x()">x</a></p>'
    )

    class Response(dict):
        content = html

    response = Response({"Content-Security-Policy": "script-src 'self' 'nonce-abc'"})

    assert markup_problems(response) == [
        "an inline <script> without the nonce: 'alert(1)'",
        "an inline <style> without the nonce: 'p{}'",
        "<p style=…> (an inline style)",
        "<p onclick=…> (an inline event handler)",
        "<a href='javascript:…'>",
    ]

"""Navigation on every page: the header (brand, "Post a gig", the notification bell and, on wide
screens, the other links) and, for signed-in people, the phone's bottom tab bar with the current
tab marked. The unread count costs one query per page, shown in two places."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Notification
from marketplace.templatetags.navigation import tab_of
from tests.accounts.factories import UserFactory
from tests.pages.conftest import browser

pytestmark = pytest.mark.django_db

TAB_HREFS = ["/", "/dashboard/", "/notifications/", "/wallet/", "/settings/"]


def notice(user, number: int, *, read: bool = False) -> Notification:
    """A notice in ``user``'s inbox, written straight to it (sending has tests of its own)."""
    return Notification.objects.create(
        recipient=user,
        kind="bid_received",
        key=f"nav-test:{user.pk}:{number}",
        title=f"Penawaran baru {number}",
        read_at=timezone.now() if read else None,
    )


class Nav(HTMLParser):
    """The links of each <nav> on a page, by the nav's class, with their attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.navs: dict[str, list[dict[str, str]]] = {}
        self._nav: str | None = None
        self._link: dict[str, str] | None = None
        self.badges: list[str] = []
        self._badge = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "nav":
            self._nav = found.get("class", "")
            self.navs.setdefault(self._nav, [])
        elif tag == "a" and self._nav is not None:
            self._link = {**found, "text": ""}
            self.navs[self._nav].append(self._link)
        elif tag == "span" and "badge" in found.get("class", "").split():
            self._badge = True
            if self._link is not None:
                self._link["badge"] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._nav = None
        elif tag == "a":
            self._link = None
        elif tag == "span":
            self._badge = False

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            key = "badge" if self._badge else "text"
            self._link[key] += data.strip()


def navs(response) -> dict[str, list[dict[str, str]]]:
    assert response.status_code == 200, response.status_code
    parser = Nav()
    parser.feed(response.content.decode())
    return parser.navs


def tabs(response) -> list[dict[str, str]]:
    return navs(response).get("tabbar", [])


def header(response) -> list[dict[str, str]]:
    return navs(response)["site-nav"]


def current(links: list[dict[str, str]]) -> list[str]:
    return [link["href"] for link in links if link.get("aria-current") == "page"]


# --- the tab bar ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "tab"),
    [
        ("/", "/"),
        ("/freelancers/", "/"),
        ("/dashboard/", "/dashboard/"),
        ("/notifications/", "/notifications/"),
        ("/wallet/", "/wallet/"),
        ("/wallet/payout-accounts/", "/wallet/"),
        ("/settings/", "/settings/"),
    ],
)
def test_a_signed_in_person_has_five_tabs_and_the_current_one_is_marked(path, tab):
    links = tabs(browser(UserFactory()).get(path))

    assert [link["href"] for link in links] == TAB_HREFS
    assert [link["text"] for link in links] == [
        "Browse",
        "Dashboard",
        "Notices",
        "Wallet",
        "Account",
    ]
    assert current(links) == [tab]


def test_a_page_under_no_tab_marks_none():
    links = tabs(browser(UserFactory()).get("/gigs/new/"))

    assert [link["href"] for link in links] == TAB_HREFS
    assert current(links) == []


def test_the_tabs_are_words_with_decorative_icons_in_indonesian_too():
    body = browser(UserFactory(), language="id").get("/dashboard/").content.decode()
    tabbar = body[body.index('<nav class="tabbar"') : body.index("</nav>", body.index("tabbar"))]

    assert tabbar.count("<svg") == 5
    assert tabbar.count('aria-hidden="true" focusable="false"') == 5
    assert 'aria-label="Bagian utama"' in tabbar or 'aria-label="Main sections"' in tabbar


def test_anonymous_visitors_have_no_tab_bar_and_four_compact_links():
    response = browser().get("/")

    assert "tabbar" not in navs(response)
    assert [(link["href"], link["text"]) for link in header(response)] == [
        ("/", "Browse"),
        ("/freelancers/", "Freelancers"),
        ("/accounts/login/", "Log in"),
        ("/accounts/signup/", "Sign up"),
    ]
    assert 'class="bell"' not in response.content.decode()


def test_the_header_keeps_post_a_gig_and_the_bell_and_marks_the_rest_wide_only():
    user = UserFactory(username="warung_sari")

    links = header(browser(user).get("/wallet/"))

    by_href = {link["href"]: link for link in links}
    assert "wide" not in by_href["/gigs/new/"]["class"]  # shown on phones
    assert "bell" in by_href["/notifications/"]["class"]  # shown on phones
    for href in ("/", "/freelancers/", "/dashboard/", "/wallet/", "/settings/"):
        assert "wide" in by_href[href]["class"].split(), href  # the tab bar has them on phones
    assert by_href["/settings/"]["text"] == "warung_sari"
    assert current(links) == ["/wallet/"]


def test_a_signed_in_person_can_log_out_on_a_phone_from_the_footer():
    body = browser(UserFactory(username="warung_sari")).get("/").content.decode()
    footer = body[body.index('<footer class="site">') :]

    assert 'class="narrow-only more-links"' in footer
    assert 'action="/accounts/logout/"' in footer
    assert "Signed in as warung_sari" in footer


# --- the bell -------------------------------------------------------------------------------


def test_the_bell_and_the_tab_count_ones_own_unread_notices():
    me = UserFactory()
    for number in (1, 2, 3):
        notice(me, number)
    notice(me, 4, read=True)
    notice(UserFactory(), 5)

    response = browser(me).get("/dashboard/")

    bell = next(link for link in header(response) if link["href"] == "/notifications/")
    tab = next(link for link in tabs(response) if link["href"] == "/notifications/")
    assert bell["aria-label"] == "Notifications, 3 unread"
    assert tab["aria-label"] == "Notices, 3 unread"  # its name holds the word it shows
    for link in (bell, tab):
        assert link["badge"] == "3"
    assert response.content.decode().count('<span class="badge" aria-hidden="true">3</span>') == 2


def test_with_nothing_unread_the_bell_has_no_count():
    me = UserFactory()
    notice(me, 1, read=True)

    response = browser(me).get("/dashboard/")

    bell = next(link for link in header(response) if link["href"] == "/notifications/")
    tab = next(link for link in tabs(response) if link["href"] == "/notifications/")
    assert bell["aria-label"] == "Notifications"
    assert "aria-label" not in tab  # named by its word, "Notices"
    for link in (bell, tab):
        assert "badge" not in link
    assert 'class="badge"' not in response.content.decode()


def test_a_hundred_unread_notices_show_as_99_plus_and_are_said_in_full():
    me = UserFactory()
    Notification.objects.bulk_create(
        Notification(recipient=me, kind="bid_received", key=f"many:{n}", title=f"Notice {n}")
        for n in range(100)
    )

    bell = next(link for link in header(browser(me).get("/")) if link["href"] == "/notifications/")

    assert bell["badge"] == "99+"
    assert bell["aria-label"] == "Notifications, 100 unread"


def test_the_unread_count_costs_one_query_per_page():
    me = UserFactory()
    notice(me, 1)
    client = browser(me)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/wallet/")

    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "accounts_notification" in q["sql"]]
    assert len(counts) == 1, counts


def test_anonymous_pages_do_not_count_notices():
    with CaptureQueriesContext(connection) as queries:
        browser().get("/")

    assert not [q for q in queries.captured_queries if "accounts_notification" in q["sql"]]


# --- which tab a page belongs to ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "tab"),
    [
        ("home", "browse"),
        ("gig-detail", "browse"),
        ("freelancer-profile", "browse"),
        ("dashboard", "dashboard"),
        ("contract-detail", "dashboard"),
        ("milestone-pay", "dashboard"),
        ("notifications", "notifications"),
        ("notification-read", "notifications"),
        ("wallet", "wallet"),
        ("wallet-payout-accounts", "wallet"),
        ("payment-checkout", "wallet"),
        ("release-receipt", "wallet"),
        ("settings", "account"),
        ("settings-two-factor", "account"),
        ("gig-new", ""),
        ("login", ""),
        ("homework", ""),  # a prefix of a name is not the name
        (None, ""),
    ],
)
def test_each_page_belongs_to_its_tab(url_name, tab):
    assert tab_of(url_name) == tab


def test_error_pages_render_the_navigation_without_a_current_tab():
    response = browser(UserFactory()).get("/no-such-page/")

    assert response.status_code == 404
    parser = Nav()
    parser.feed(response.content.decode())
    assert current(parser.navs.get("tabbar", [])) == []


def test_notices_read_since_are_not_counted():
    me = UserFactory()
    sent = notice(me, 1)
    client = browser(me)
    assert "Notifications, 1 unread" in client.get("/").content.decode()

    Notification.objects.filter(pk=sent.pk).update(read_at=timezone.now())

    assert "Notifications, 1 unread" not in client.get("/").content.decode()

"""Settings as short pages, one form each, and sign-up's "hire or work?" question.

Feedback lands where the eye is: a failed save comes back with the error summary at the top of
its form (links to the fields, nothing saved), a successful one redirects to the same page and
shows its confirmation right above the form. A new account gets the profiles of the role it
chose and lands on the step that role starts with."""

from __future__ import annotations

import re

import pytest

from accounts.models import ClientProfile, FreelancerProfile, User
from accounts.services.profiles import freelancer_profile_update
from tests.accounts.factories import PASSWORD, UserFactory
from tests.pages.conftest import assert_login_redirect, browser
from tests.pages.test_form_errors import assert_links_work, summaries

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
SECTIONS = {
    "/settings/": "Account",
    "/settings/profile/": "Freelancer profile",
    "/settings/shop/": "Shop name",
    "/settings/notifications/": "E-mail notices",
    "/settings/security/": "Password and sessions",
}
# Every settings section, in the sub-navigation's order: the five forms above and the pages
# of their own (photo, portfolio, phone notices).
NAV = [
    ("/settings/", "Account"),
    ("/settings/profile/", "Freelancer profile"),
    ("/settings/photo/", "Profile photo"),
    ("/settings/portfolio/", "Portfolio"),
    ("/settings/shop/", "Shop name"),
    ("/settings/notifications/", "E-mail notices"),
    ("/settings/phone/", "Notices on your phone"),
    ("/settings/security/", "Password and sessions"),
]
NEW_PASSWORD = "teh-manis-pisang-goreng-77"


def html(response) -> str:
    return response.content.decode()


def subnav(page: str) -> list[tuple[str, str, bool]]:
    nav = re.search(r'<nav aria-label="Settings sections">(.*?)</nav>', page, re.S).group(1)
    return [
        (href, text, bool(current))
        for href, current, text in re.findall(
            r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav
        )
    ]


def section_of(page: str) -> str:
    return re.search(r'<section class="card" id="\w+"[^>]*>(.*?)</section>', page, re.S).group(1)


# --- the pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*SECTIONS, "/settings/account/", "/settings/password/"])
def test_every_settings_page_sends_a_visitor_to_log_in(url):
    assert_login_redirect(browser().get(url), url)
    assert_login_redirect(browser().post(url, {}), url)


@pytest.mark.parametrize(("url", "title"), SECTIONS.items())
def test_each_page_is_one_short_form_with_the_sections_marking_itself(url, title):
    response = browser(UserFactory()).get(url)

    page = html(response)
    assert response.status_code == 200
    assert f'<h2 id="section-title">{title}</h2>' in page
    assert subnav(page) == [(href, name, href == url) for href, name in NAV]
    assert section_of(page).count('class="stack"') == 1  # one form to fill in
    assert "data-error-summary" not in page
    assert len(page) < 40_000  # a short page, not the 6 300-px page of every form


def test_the_sections_link_every_settings_page_and_each_link_opens():
    freelancer = UserFactory()  # the portfolio is a freelancer's (others are offered a profile)
    freelancer_profile_update(user=freelancer, headline="Desainer logo untuk UMKM", skill_ids=[])
    client = browser(freelancer)

    names = [(href, name) for href, name, _current in subnav(html(client.get("/settings/")))]

    assert names == NAV
    assert [client.get(href).status_code for href, _name in NAV] == [200] * len(NAV)


# --- a failed save: the summary at the top of the form, nothing saved ------------------------

FAILURES = {
    "/settings/account/": {"display_name": "Sari\nKue", "preferred_language": "fr"},
    "/settings/profile/": {"availability": "kapan-kapan", "max_active_contracts": "11"},
    "/settings/shop/": {"shop_name": "x" * 81},
    "/settings/notifications/": {"emailed": ["tidak-ada"]},
    "/settings/password/": {"old_password": "salah", "new_password1": "a", "new_password2": "b"},
}


def _stored(user: User) -> tuple:
    user.refresh_from_db()
    return (
        user.display_name,
        user.preferred_language,
        user.email_muted_kinds,
        user.password,
        FreelancerProfile.objects.filter(user=user).exists(),
        ClientProfile.objects.filter(user=user).exclude(shop_name="").exists(),
    )


@pytest.mark.parametrize(("url", "data"), FAILURES.items())
def test_a_failed_save_is_summed_up_at_the_top_of_its_form_and_saves_nothing(url, data):
    user = UserFactory(
        display_name="Budi", preferred_language="en", email_muted_kinds=["bid_received"]
    )
    before = _stored(user)

    response = browser(user).post(url, data)

    page = html(response)
    assert response.status_code == 400
    [(_id, items)] = summaries(page)
    assert items
    assert all(target for target, _text in items), items  # each problem is a field's
    assert_links_work(page, items)
    # The summary opens the one form of the page.
    form = re.search(r'<form method="post" action="[^"]+" class="stack">(.*?)</form>', page, re.S)
    token = r'\s*<input type="hidden" name="csrfmiddlewaretoken"[^>]*>\s*'
    assert re.match(rf'{token}<div class="refusal"', form.group(1))
    assert _stored(user) == before


def test_a_refused_display_name_keeps_what_was_typed_and_names_the_field():
    user = UserFactory(display_name="Budi", preferred_language="en")

    response = browser(user).post(
        "/settings/account/", {"display_name": "Sari WA 0812 3456 7890", "preferred_language": "en"}
    )

    page = html(response)
    [(_id, items)] = summaries(page)
    assert items[0][0] == ""  # the service's refusal of the whole form first, then the field's
    assert "id_display_name" in [target for target, _text in items]
    assert 'value="Sari WA 0812 3456 7890"' in page
    user.refresh_from_db()
    assert user.display_name == "Budi"


# --- a successful save: back to the same page, the confirmation above the form ----------------

PROFILE = {"headline": "Desain logo", "availability": "available", "max_active_contracts": "4"}
PASSWORDS = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
SUCCESSES = [
    # posted to, lands on, sent, the confirmation
    (
        "/settings/account/",
        "/settings/",
        {"display_name": "Sari", "preferred_language": "en"},
        "Your account settings are saved.",
    ),
    ("/settings/profile/", "/settings/profile/", PROFILE, "Your freelancer profile is saved."),
    ("/settings/shop/", "/settings/shop/", {"shop_name": "Toko Sari"}, "Your shop name is saved."),
    (
        "/settings/notifications/",
        "/settings/notifications/",
        {"emailed": []},
        "Your e-mail preferences are saved.",
    ),
    ("/settings/password/", "/settings/security/", PASSWORDS, "Your password is changed."),
]


@pytest.mark.parametrize(("url", "page_url", "data", "message"), SUCCESSES)
def test_a_save_comes_back_to_its_page_with_the_confirmation_above_the_form(
    url, page_url, data, message
):
    user = UserFactory(preferred_language="en")

    response = browser(user).post(url, data, follow=True)

    assert response.redirect_chain == [(page_url, 302)]
    page = html(response)
    assert page.count(message) == 1
    section = section_of(page)
    assert section.index(message) < section.index('<form method="post"')
    assert '<div class="messages" role="status">' not in page  # not at the top of the site
    assert "data-error-summary" not in page


def test_the_saves_are_stored():
    user = UserFactory(preferred_language="en")
    client = browser(user)
    for url, _page, data, _message in SUCCESSES:
        client.post(url, data)

    user.refresh_from_db()
    assert user.display_name == "Sari"
    assert "bid_received" in user.email_muted_kinds
    assert user.check_password(NEW_PASSWORD)
    assert FreelancerProfile.objects.get(user=user).max_active_contracts == 4
    assert ClientProfile.objects.get(user=user).shop_name == "Toko Sari"


# --- sign-up: hire, work or both ----------------------------------------------------------------


def signup_data(**overrides) -> dict:
    return {
        "username": "sari.kue",
        "email": "sari@kue.id",
        "password": "tahu-isi-cabe-rawit-9",
        "password_confirm": "tahu-isi-cabe-rawit-9",
        "preferred_language": "en",
        **overrides,
    }


@pytest.mark.parametrize(
    ("role", "freelancer", "client", "lands_on", "step"),
    [
        ("hire", False, True, "/gigs/new/", "Post your first gig"),
        ("work", True, False, "/settings/profile/", "Complete your profile"),
        ("both", True, True, "/dashboard/", ""),
        ("", True, True, "/dashboard/", ""),  # the question skipped: as before it was asked
    ],
)
def test_the_role_chosen_at_sign_up_sets_up_its_profiles_and_first_step(
    role, freelancer, client, lands_on, step
):
    visitor = browser()
    form = html(visitor.get(SIGNUP))
    assert "Do you want to hire or to work?" in form
    assert 'type="radio" name="role" value="hire"' in form

    response = visitor.post(SIGNUP, signup_data(role=role), follow=True)

    user = User.objects.get(username="sari.kue")
    assert FreelancerProfile.objects.filter(user=user).exists() is freelancer
    assert ClientProfile.objects.filter(user=user).exists() is client
    assert response.redirect_chain[0] == (lands_on, 302)
    assert "Welcome to Garap" in html(response)
    if step:
        assert step in html(response)


def test_where_the_visitor_was_going_wins_over_the_first_step():
    response = browser().post(SIGNUP, signup_data(role="hire", next="/gigs/3/"))

    assert response["Location"] == "/gigs/3/"
    assert not FreelancerProfile.objects.exists()


def test_an_unknown_role_is_refused_at_the_question_and_creates_nothing():
    response = browser().post(SIGNUP, signup_data(role="bos"))

    page = html(response)
    assert response.status_code == 400
    [(_id, items)] = summaries(page)
    assert [target for target, _text in items] == ["id_role_0"]
    assert_links_work(page, items)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("role", "freelancer", "client"),
    [("hire", False, True), ("work", True, False), ("both", True, True), (None, True, True)],
)
def test_the_api_register_takes_the_role_too(api_client, role, freelancer, client):
    body = {"username": "sari.kue", "email": "sari@kue.id", "password": PASSWORD}
    if role:
        body["role"] = role

    response = api_client.post("/api/v1/auth/register/", body, format="json")

    assert response.status_code == 201
    user = User.objects.get(username="sari.kue")
    assert FreelancerProfile.objects.filter(user=user).exists() is freelancer
    assert ClientProfile.objects.filter(user=user).exists() is client


def test_the_api_refuses_an_unknown_role(api_client):
    body = {"username": "sari.kue", "email": "sari@kue.id", "password": PASSWORD, "role": "bos"}

    response = api_client.post("/api/v1/auth/register/", body, format="json")

    assert response.status_code == 400
    assert "role" in response.json()["fields"]
    assert not User.objects.exists()


def test_the_schema_documents_the_role():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    role = schema["components"]["schemas"]["RegisterRequest"]["properties"]["role"]
    assert role["default"] == "both"
    assert "`hire` sets up a client profile" in role["description"]
    [enum] = role["allOf"]
    assert schema["components"]["schemas"][enum["$ref"].split("/")[-1]]["enum"] == [
        "hire",
        "work",
        "both",
    ]

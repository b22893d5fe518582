"""The people pages: sign up, log in, log out, password reset, settings and notifications —
through the browser, on the same services as the API."""

from __future__ import annotations

import re
from datetime import timedelta
from html import escape

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from accounts.models import AuthToken, ClientProfile, FreelancerProfile, Notification, User
from accounts.notices import all_kinds
from accounts.pages.notifications import notice_page_path
from accounts.services import notification_send
from tests.accounts.factories import PASSWORD, UserFactory
from tests.pages.conftest import assert_login_redirect, browser
from tests.projects.factories import SkillFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
RESET = "/accounts/password-reset/"
SETTINGS = "/settings/"
NOTICES = "/settings/notifications/"
NOTIFICATIONS = "/notifications/"
NEW_PASSWORD = "teh-manis-pisang-goreng-77"
SITE = re.escape(settings.SITE_URL.rstrip("/"))  # e-mailed links start here, not at the Host


def signed_in_user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def field_errors(response, field: str, form: str = "form") -> list[str]:
    return list(response.context[form].errors.get(field, []))


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize(
    ("path", "anonymous", "signed_in"),
    [
        (SIGNUP, 200, 302),
        (LOGIN, 200, 302),
        (RESET, 200, 200),
        ("/accounts/password-reset/sent/", 200, 200),
        ("/accounts/password-reset/done/", 200, 200),
        ("/verify-email/?token=abc", 200, 200),
        (SETTINGS, 302, 200),
        (NOTIFICATIONS, 302, 200),
    ],
)
def test_every_page_answers_anonymous_and_signed_in_visitors(path, anonymous, signed_in):
    assert browser().get(path).status_code == anonymous
    assert browser(UserFactory()).get(path).status_code == signed_in


# --- sign up ----------------------------------------------------------------------------------


def signup_data(**overrides) -> dict:
    return {
        "username": "sari.kue",
        "email": "sari@kue.id",
        "display_name": "Sari Kue Bandung",
        "password": "tahu-isi-cabe-rawit-9",
        "password_confirm": "tahu-isi-cabe-rawit-9",
        "preferred_language": "en",
        **overrides,
    }


@pytest.mark.parametrize(("language", "expected"), [("en", "en"), ("id", "id")])
def test_signup_page_offers_the_active_language(language, expected):
    response = browser(language=language).get(SIGNUP)

    assert response.status_code == 200
    assert response.context["form"].initial["preferred_language"] == expected
    assert html_lang(response) == expected


def test_signup_creates_the_account_through_the_service_and_signs_in():
    client = browser()

    response = client.post(SIGNUP, signup_data())

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    user = User.objects.get(username="sari.kue")
    assert (user.email, user.display_name, user.preferred_language) == (
        "sari@kue.id",
        "Sari Kue Bandung",
        "en",
    )
    assert user.check_password("tahu-isi-cabe-rawit-9")
    # what the service does beyond creating the row: both profiles
    assert FreelancerProfile.objects.filter(user=user).exists()
    assert ClientProfile.objects.filter(user=user).exists()
    # no API token nobody knows is left behind
    assert not AuthToken.objects.filter(user=user).exists()
    assert signed_in_user_id(client) == user.pk
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_signup_goes_to_next_on_this_site_only():
    response = browser().post(SIGNUP, signup_data(next="/gigs/3/"))
    assert response["Location"] == "/gigs/3/"

    response = browser().post(
        SIGNUP, signup_data(username="tono", email="tono@x.id", next="https://evil.example/")
    )
    assert response["Location"] == "/dashboard/"


def test_signup_with_a_taken_username_keeps_what_was_typed_but_not_the_password():
    UserFactory(username="sari.kue")
    client = browser()

    response = client.post(SIGNUP, signup_data(username="Sari.Kue"))

    assert response.status_code == 400
    assert field_errors(response, "username") == ["This username is taken. Choose another one."]
    body = response.content.decode()
    assert 'value="Sari.Kue"' in body
    assert 'value="sari@kue.id"' in body
    assert 'value="Sari Kue Bandung"' in body
    assert "tahu-isi-cabe-rawit-9" not in body
    assert User.objects.filter(email="sari@kue.id").count() == 0
    assert signed_in_user_id(client) is None


def test_signup_refuses_a_password_djangos_validators_refuse():
    response = browser().post(SIGNUP, signup_data(password="12345678", password_confirm="12345678"))

    assert response.status_code == 400
    errors = field_errors(response, "password")
    assert "This password is entirely numeric." in errors
    assert "12345678" not in response.content.decode()
    assert not User.objects.filter(username="sari.kue").exists()


def test_signup_passwords_must_match():
    response = browser().post(SIGNUP, signup_data(password_confirm="tahu-isi-cabe-rawit-0"))

    assert response.status_code == 400
    assert field_errors(response, "password_confirm") == [
        "The two passwords differ. Type them again."
    ]
    assert not User.objects.filter(username="sari.kue").exists()


def test_signup_reports_the_password_rules_and_a_mismatch_at_once():
    # The rules were checked only once the two passwords agreed: two rounds to learn two things.
    response = browser().post(SIGNUP, signup_data(password="12345678", password_confirm="1234567"))

    assert response.status_code == 400
    assert "This password is entirely numeric." in field_errors(response, "password")
    assert field_errors(response, "password_confirm") == [
        "The two passwords differ. Type them again."
    ]
    assert not User.objects.filter(username="sari.kue").exists()


def test_signup_checks_the_password_against_the_other_fields_typed():
    response = browser().post(
        SIGNUP, signup_data(password="sari.kue.bdg", password_confirm="sari.kue.bdg")
    )

    assert response.status_code == 400
    assert field_errors(response, "password") == ["The password is too similar to the username."]
    assert not User.objects.filter(username="sari.kue").exists()


def test_signup_form_checks_the_username_shape():
    response = browser().post(SIGNUP, signup_data(username="_bad name_"))

    assert response.status_code == 400
    assert field_errors(response, "username")
    assert not User.objects.exists()


def test_signed_in_people_skip_the_signup_and_login_pages():
    client = browser(UserFactory())

    assert client.get(SIGNUP)["Location"] == "/dashboard/"
    assert client.get(LOGIN)["Location"] == "/dashboard/"


# --- log in and out ---------------------------------------------------------------------------


def test_login_page_renders_for_anonymous_visitors():
    response = browser().get(f"{LOGIN}?next=/settings/")

    assert response.status_code == 200
    assert 'name="next" value="/settings/"' in response.content.decode()


@pytest.mark.parametrize("identifier", ["username", "email"])
def test_login_with_username_or_email_in_any_case(identifier):
    user = UserFactory(username="budi.desain", preferred_language="en")
    client = browser()

    response = client.post(
        LOGIN,
        {"username": getattr(user, identifier).upper(), "password": PASSWORD, "next": "/settings/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/settings/"
    assert signed_in_user_id(client) == user.pk
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_login_goes_to_the_dashboard_without_next():
    user = UserFactory()

    response = browser().post(LOGIN, {"username": user.username, "password": PASSWORD})

    assert response["Location"] == "/dashboard/"


def test_login_with_a_wrong_password_says_only_that():
    user = UserFactory(username="budi.desain")
    client = browser()

    response = client.post(LOGIN, {"username": "budi.desain", "password": "salah-sandi"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Wrong username, e-mail or password."]
    body = response.content.decode()
    assert 'value="budi.desain"' in body
    assert "salah-sandi" not in body
    assert signed_in_user_id(client) is None
    user.refresh_from_db()
    assert user.last_login is None


def test_login_is_throttled_like_the_api(settings):
    settings.AUTH_THROTTLE_RATE = "2/min"
    user = UserFactory()
    client = browser()
    for _attempt in range(2):
        client.post(LOGIN, {"username": user.username, "password": "tebak-tebakan"})

    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many attempts. Wait" in response.content.decode()
    assert f'value="{user.username}"' in response.content.decode()
    assert signed_in_user_id(client) is None


def test_signup_is_throttled_too(settings):
    settings.AUTH_THROTTLE_RATE = "1/min"
    client = browser()
    client.post(SIGNUP, signup_data(username="satu", email="satu@x.id", password_confirm="beda"))

    response = client.post(SIGNUP, signup_data())

    assert response.status_code == 429
    assert "Too many attempts. Wait" in response.content.decode()
    assert not User.objects.exists()


def test_logout_needs_a_post():
    user = UserFactory()
    client = browser(user)

    response = client.get(LOGOUT)

    assert response.status_code == 405
    assert signed_in_user_id(client) == user.pk


def test_logout_signs_out_and_goes_home():
    client = browser(UserFactory())

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) is None


def test_the_header_offers_logout_as_a_form():
    response = browser(UserFactory()).get(SETTINGS)

    assert re.search(
        r'<form action="/accounts/logout/" method="post"[^>]*>\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken"',
        response.content.decode(),
    )


# --- password reset ---------------------------------------------------------------------------


def test_password_reset_by_email_link_sets_a_new_password():
    user = UserFactory(username="rina", email="rina@menulis.id", preferred_language="en")
    client = browser()

    assert client.get(RESET).status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker sends the e-mail
        response = client.post(RESET, {"email": "RINA@menulis.id"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert client.get(response["Location"]).status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rina@menulis.id"]
    assert "Choose a new password" in message.subject
    assert "rina" in message.body
    link = re.search(rf"{SITE}(/accounts/password-reset/\S+/\S+/)", message.body)[1]

    response = client.get(link)  # Django moves the token out of the address
    assert response.status_code == 302
    form_page = client.get(response["Location"])
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True

    response = client.post(
        response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/done/"
    assert client.get(response["Location"]).status_code == 200
    fresh = browser()
    refused = fresh.post(LOGIN, {"username": "rina", "password": PASSWORD})
    assert refused.status_code == 400
    accepted = fresh.post(LOGIN, {"username": "rina", "password": NEW_PASSWORD})
    assert accepted.status_code == 302
    assert signed_in_user_id(fresh) == user.pk
    # the link works once
    assert client.get(link).context["validlink"] is False


def test_password_reset_tells_nothing_about_unknown_addresses():
    response = browser().post(RESET, {"email": "nobody@example.id"})

    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_password_reset_confirm_refuses_a_weak_password():
    user = UserFactory()
    client = browser()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(RESET, {"email": user.email})
    link = re.search(rf"{SITE}(\S+)", mail.outbox[0].body)[1]
    form_url = client.get(link)["Location"]

    response = client.post(form_url, {"new_password1": "123", "new_password2": "123"})

    assert response.status_code == 400
    assert response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- e-mail verification ---------------------------------------------------------------------


def test_the_emailed_link_confirms_the_address():
    user = UserFactory(email_verified_at=None)
    client = browser(user)
    assert "not confirmed yet" in client.get(SETTINGS).content.decode()

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"{SETTINGS}verify-email/")

    assert response["Location"] == "/settings/"
    (message,) = mail.outbox
    assert message.to == [user.email]
    path = re.search(rf"{SITE}(/verify-email/\?token=\S+)", message.body)[1]
    page = browser().get(path)  # opening the link changes nothing yet
    assert page.status_code == 200
    user.refresh_from_db()
    assert user.email_verified_at is None

    response = browser().post("/verify-email/", {"token": page.context["token"]})

    assert response["Location"] == LOGIN
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert browser(user).post(f"{SETTINGS}verify-email/").status_code == 302
    assert len(mail.outbox) == 1  # a verified address gets no second link


def test_a_bad_confirmation_link_says_so():
    user = UserFactory(email_verified_at=None)

    response = browser().post("/verify-email/", {"token": "rusak"})

    assert response.status_code == 400
    assert "This confirmation link is invalid or has expired." in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


# --- settings ---------------------------------------------------------------------------------


SETTINGS_PAGES = ["account", "profile", "shop", "notifications", "security", "password"]


def test_settings_needs_a_login():
    assert_login_redirect(browser().get(SETTINGS), SETTINGS)
    for target in SETTINGS_PAGES:
        path = f"{SETTINGS}{target}/"
        assert_login_redirect(browser().get(path), path)
        assert_login_redirect(browser().post(path, {}), path)


def test_settings_page_shows_the_forms_with_what_is_stored():
    user = UserFactory(
        display_name="Sari", preferred_language="en", email_muted_kinds=["bid_received"]
    )
    client = browser(user)

    response = client.get(SETTINGS)

    assert response.status_code == 200
    assert response.context["form"].initial == {
        "display_name": "Sari",
        "preferred_language": "en",
    }
    emailed = client.get(NOTICES).context["form"].initial["emailed"]
    assert "bid_received" not in emailed
    assert "milestone_funded" in emailed
    assert client.get(f"{SETTINGS}profile/").context["form"].initial["max_active_contracts"] == 3


def test_choosing_english_switches_the_pages_and_is_stored():
    user = UserFactory(preferred_language="id")
    client = browser(user, language="id")
    assert html_lang(client.get(SETTINGS)) == "id"

    response = client.post(
        f"{SETTINGS}account/", {"display_name": "Sari", "preferred_language": "en"}, follow=True
    )

    assert response.redirect_chain == [("/settings/", 302)]
    assert html_lang(response) == "en"
    assert "Your account settings are saved." in response.content.decode()
    user.refresh_from_db()
    assert (user.preferred_language, user.display_name) == ("en", "Sari")
    assert html_lang(client.get("/notifications/")) == "en"


def test_account_form_refuses_an_unknown_language():
    user = UserFactory(preferred_language="id")

    response = browser(user).post(f"{SETTINGS}account/", {"preferred_language": "fr"})

    assert response.status_code == 400
    assert field_errors(response, "preferred_language")
    user.refresh_from_db()
    assert user.preferred_language == "id"


def test_email_preferences_are_saved_on_the_user():
    user = UserFactory()
    form = browser(user).get(NOTICES).context["form"]
    kinds = [kind for _group, choices in form.fields["emailed"].choices for kind, _ in choices]
    emailed = [k for k in kinds if k not in ("bid_received", "deposit_paid")]

    response = browser(user).post(f"{SETTINGS}notifications/", {"emailed": emailed})

    assert response.status_code == 302
    assert response["Location"] == NOTICES
    user.refresh_from_db()
    assert user.email_muted_kinds == ["bid_received", "deposit_paid"]


def test_moderators_notices_are_not_offered():
    user = UserFactory()
    response = browser(user).get(NOTICES)
    form = response.context["form"]
    kinds = {kind for _group, choices in form.fields["emailed"].choices for kind, _ in choices}

    always_emailed = {kind.code for kind in all_kinds() if kind.group is None}
    assert "account_suspended" in always_emailed
    assert kinds.isdisjoint(always_emailed)
    assert {"bid_received", "deposit_paid", "milestone_released"} <= kinds
    assert 'value="account_suspended"' not in response.content.decode()

    browser(user).post(f"{SETTINGS}notifications/", {"emailed": ["account_suspended"]})
    user.refresh_from_db()
    assert user.email_muted_kinds == []  # an unknown choice changes nothing


def offered_preferences(user) -> list[tuple[str, str]]:
    form = browser(user).get(NOTICES).context["form"]
    return [choice for _group, choices in form.fields["emailed"].choices for choice in choices]


def test_each_notice_is_offered_once():
    offered = offered_preferences(UserFactory())

    labels = [label for _code, label in offered]
    assert len(labels) == len(set(labels))
    assert labels.count("“…” is overdue") == 1
    assert labels.count("Withdrawal of … returned to your wallet") == 1


def test_a_staff_only_notice_is_offered_to_staff_only():
    user = UserFactory()
    codes = [code for code, _label in offered_preferences(user)]
    assert "ledger_audit_failed" not in codes
    assert "ledger_audit_failed" in [c for c, _ in offered_preferences(UserFactory(is_staff=True))]

    browser(user).post(f"{SETTINGS}notifications/", {"emailed": [*codes, "ledger_audit_failed"]})
    user.refresh_from_db()
    assert user.email_muted_kinds == []  # a choice not offered changes nothing


def profile_data(**overrides) -> dict:
    return {
        "headline": "Desainer logo UMKM",
        "bio": "Lima tahun membuat logo.",
        "skills": [],
        "starting_price": "75000",
        "city": "Bandung",
        "province": "jawa-barat",
        "languages": ["id", "su"],
        "availability": "limited",
        "max_active_contracts": "5",
        **overrides,
    }


def test_profile_form_saves_through_the_service():
    user = UserFactory()
    skills = SkillFactory.create_batch(2)

    client = browser(user)

    response = client.post(f"{SETTINGS}profile/", profile_data(skills=[s.pk for s in skills]))

    assert response.status_code == 302
    assert response["Location"] == "/settings/profile/"
    profile = FreelancerProfile.objects.get(user=user)
    assert (profile.headline, profile.city, profile.province, profile.availability) == (
        "Desainer logo UMKM",
        "Bandung",
        "jawa-barat",
        "limited",
    )
    assert (profile.starting_price, profile.max_active_contracts) == (75_000, 5)
    assert profile.languages == ["id", "su"]
    assert set(profile.skills.all()) == set(skills)
    page = client.get(response["Location"]).content.decode()
    assert f'href="/freelancers/{user.username}/"' in page
    assert "Your freelancer profile is saved." in page


def test_profile_starting_price_typed_with_dots_is_read_and_shown_back_so():
    user = UserFactory()
    client = browser(user)

    response = client.post(f"{SETTINGS}profile/", profile_data(starting_price="75.000"))

    assert response.status_code == 302
    assert FreelancerProfile.objects.get(user=user).starting_price == 75_000
    page = client.get(f"{SETTINGS}profile/").content.decode()
    assert 'name="starting_price" value="75.000" inputmode="numeric"' in page


def test_profile_form_refuses_capacity_eleven_by_the_field():
    user = UserFactory()

    response = browser(user).post(f"{SETTINGS}profile/", profile_data(max_active_contracts="11"))

    assert response.status_code == 400
    assert field_errors(response, "max_active_contracts") == [
        "Ensure this value is less than or equal to 10."
    ]
    assert 'value="Desainer logo UMKM"' in response.content.decode()
    assert not FreelancerProfile.objects.filter(user=user, headline__gt="").exists()


def test_profile_form_shows_the_services_refusal_by_the_field():
    user = UserFactory()

    response = browser(user).post(f"{SETTINGS}profile/", profile_data(starting_price="100"))

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["starting_price"] == ["Too low."]
    assert form.non_field_errors() == ["A starting price is at least Rp 10.000."]
    assert 'value="Bandung"' in response.content.decode()
    assert not FreelancerProfile.objects.filter(user=user, headline__gt="").exists()


def test_shop_name_is_saved():
    user = UserFactory()

    response = browser(user).post(f"{SETTINGS}shop/", {"shop_name": "  Toko Kue Sari  "})

    assert response["Location"] == "/settings/shop/"
    assert ClientProfile.objects.get(user=user).shop_name == "Toko Kue Sari"


def test_each_settings_page_shows_its_own_form():
    client = browser(UserFactory())
    for target in SETTINGS_PAGES:
        response = client.get(f"{SETTINGS}{target}/")
        assert response.status_code == 200
        assert response.content.decode().count('<button type="submit">') == 1
        assert client.put(f"{SETTINGS}{target}/").status_code == 405


# --- notifications ----------------------------------------------------------------------------


def notice(user, number: int, *, link: str = "", minutes_ago: int = 0, read: bool = False):
    sent = notification_send(
        recipient_id=user.pk,
        kind="bid_received",
        key=f"page-test:{user.pk}:{number}",
        title=f"Penawaran baru {number}",
        body=f"Isi pemberitahuan {number}.",
        link=link or f"/api/v1/gigs/{number}/",
    )
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    Notification.objects.filter(pk=sent.pk).update(
        created_at=moment, read_at=moment if read else None
    )
    sent.refresh_from_db()
    return sent


def test_notifications_need_a_login():
    assert_login_redirect(browser().get(NOTIFICATIONS), NOTIFICATIONS)
    assert_login_redirect(browser().post(f"{NOTIFICATIONS}read-all/"), f"{NOTIFICATIONS}read-all/")
    assert_login_redirect(browser().post(f"{NOTIFICATIONS}1/read/"), f"{NOTIFICATIONS}1/read/")


def test_notifications_lists_only_ones_own_newest_first_unread_marked():
    user = UserFactory()
    notice(user, 1, minutes_ago=30)
    notice(user, 2, minutes_ago=1)
    notice(user, 3, minutes_ago=10, read=True)
    notice(UserFactory(), 4)

    response = browser(user).get(NOTIFICATIONS)

    assert response.status_code == 200
    items = response.context["page"].items
    assert [n.title for n in items] == ["Penawaran baru 2", "Penawaran baru 3", "Penawaran baru 1"]
    body = response.content.decode()
    assert "Penawaran baru 4" not in body
    assert body.count('class="card unread"') == 2
    # an unread notice is opened through "mark read"; a read one is a plain link
    assert f'action="/notifications/{items[0].pk}/read/"' in body
    assert '<a href="/gigs/3/">Penawaran baru 3</a>' in body


def test_the_header_badge_counts_unread_notices():
    user = UserFactory()
    notice(user, 1)
    notice(user, 2)
    notice(user, 3, read=True)

    body = browser(user).get(SETTINGS).content.decode()

    assert re.search(r'<span class="badge"[^>]*>2</span>', body)


def test_notifications_come_in_cursor_pages():
    user = UserFactory()
    for n in range(25):
        notice(user, n, minutes_ago=n)
    client = browser(user)

    first = client.get(NOTIFICATIONS)
    assert len(first.context["page"].items) == 20
    second = client.get(first.context["page"].next_url)

    assert [n.title for n in second.context["page"].items] == [
        f"Penawaran baru {n}" for n in range(20, 25)
    ]
    assert second.context["page"].next_url is None


def test_reading_a_notice_marks_it_and_opens_its_page():
    user = UserFactory()
    sent = notice(user, 1, link="/api/v1/contracts/7/messages/")

    response = browser(user).post(f"{NOTIFICATIONS}{sent.pk}/read/")

    assert response.status_code == 302
    assert response["Location"] == "/contracts/7/"
    sent.refresh_from_db()
    assert sent.read_at is not None


def test_reading_someone_elses_notice_is_not_found():
    sent = notice(UserFactory(), 1)

    response = browser(UserFactory()).post(f"{NOTIFICATIONS}{sent.pk}/read/")

    assert response.status_code == 404
    sent.refresh_from_db()
    assert sent.read_at is None


def test_marking_all_read_marks_only_ones_own():
    user, other = UserFactory(), UserFactory()
    notice(user, 1)
    notice(user, 2)
    theirs = notice(other, 3)

    response = browser(user).post(f"{NOTIFICATIONS}read-all/")

    assert response["Location"] == NOTIFICATIONS
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notification_actions_are_post_only():
    user = UserFactory()
    sent = notice(user, 1)
    client = browser(user)

    assert client.get(f"{NOTIFICATIONS}{sent.pk}/read/").status_code == 405
    assert client.get(f"{NOTIFICATIONS}read-all/").status_code == 405
    sent.refresh_from_db()
    assert sent.read_at is None


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("/api/v1/contracts/7/", "/contracts/7/"),
        ("/api/v1/contracts/7/reviews/", "/contracts/7/"),
        ("/api/v1/contracts/7/messages/", "/contracts/7/"),
        ("/api/v1/gigs/3/", "/gigs/3/"),
        ("/api/v1/gigs/3/bids/", "/gigs/3/"),
        ("/api/v1/wallet/", "/wallet/"),
        ("/api/v1/wallet/withdrawals/", "/wallet/"),
        ("/api/v1/me/freelancer-profile/", "/settings/profile/"),
        ("/api/v1/portfolio-items/4/", "/settings/"),
        ("/api/v1/bids/12/", "/dashboard/"),
        ("/api/v1/reports/", "/dashboard/"),
        ("/admin/payments/", "/admin/payments/"),
        ("//evil.example/", "/dashboard/"),
        ("https://evil.example/", "/dashboard/"),
        ("", "/dashboard/"),
    ],
)
def test_a_notice_link_maps_to_its_page(link, expected):
    assert notice_page_path(link) == expected


@pytest.mark.parametrize("path", ["/contracts/7/", "/gigs/3/", "/wallet/", "/dashboard/"])
def test_the_pages_notices_lead_to_exist(path):
    assert resolve(path).url_name


def test_notifications_page_costs_the_same_with_5_or_40_notices():
    def queries(count: int) -> int:
        user = UserFactory()
        for n in range(count):
            notice(user, n, minutes_ago=n, read=n % 2 == 0)
        client = browser(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(NOTIFICATIONS)
        assert response.status_code == 200
        assert len(response.context["page"].items) == min(count, 20)
        return len(captured)

    assert queries(5) == queries(40)


# --- CSRF on every form -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "signed_in"),
    [
        (SIGNUP, False),
        (LOGIN, False),
        (RESET, False),
        (LOGOUT, True),
        (f"{SETTINGS}account/", True),
        (f"{SETTINGS}notifications/", True),
        (f"{SETTINGS}profile/", True),
        (f"{SETTINGS}shop/", True),
        (f"{NOTIFICATIONS}read-all/", True),
        (f"{SETTINGS}verify-email/", True),
        ("/verify-email/", False),
        ("notification-read", True),
    ],
)
def test_every_form_needs_the_csrf_token(path, signed_in):
    user = UserFactory(preferred_language="id")
    sent = notice(user, 1)
    if path == "notification-read":
        path = f"{NOTIFICATIONS}{sent.pk}/read/"
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    if signed_in:
        client.force_login(user)

    response = client.post(
        path,
        {
            **signup_data(),
            "email": user.email,
            "password": PASSWORD,
            "preferred_language": "en",
            "shop_name": "Toko",
            "token": "x",
        },
    )

    assert response.status_code == 403
    assert User.objects.count() == 1
    assert signed_in_user_id(client) == (user.pk if signed_in else None)
    assert mail.outbox == []
    user.refresh_from_db()
    assert user.preferred_language == "id"
    sent.refresh_from_db()
    assert sent.read_at is None


def test_a_form_with_its_csrf_token_goes_through():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    page = client.get(LOGIN)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]

    response = client.post(
        LOGIN, {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert signed_in_user_id(client) == user.pk


def test_error_pages_escape_what_was_typed():
    response = browser().post(
        SIGNUP, signup_data(display_name="<script>alert(1)</script>", password_confirm="x")
    )

    assert escape("<script>alert(1)</script>") in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()

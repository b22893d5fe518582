"""A password change or reset, and "log out everywhere", end every session and API token."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import AuthToken
from accounts.services import token_issue
from tests.accounts.factories import PASSWORD, UserFactory
from tests.conftest import client_for, english_client
from tests.pages.conftest import browser

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "teh-manis-pisang-goreng-77"


def _me(raw: str) -> int:
    return english_client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def _signed_in(client: Client) -> bool:
    return client.get("/settings/").status_code == 200


def _logged_in_browser(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})[
        "Location"
    ]
    return client


def test_logout_all_revokes_every_token_and_session():
    user = UserFactory()
    other = UserFactory()
    raws = [token_issue(user=user)[1] for _n in range(3)]
    _other_token, other_raw = token_issue(user=other)
    phone = _logged_in_browser(user)

    response = english_client().post(
        "/api/v1/auth/logout-all/", HTTP_AUTHORIZATION=f"Bearer {raws[0]}"
    )

    assert response.status_code == 204
    assert [_me(raw) for raw in raws] == [401, 401, 401]
    assert not AuthToken.objects.filter(user=user).exists()
    assert not _signed_in(phone)
    assert _me(other_raw) == 200  # nobody else's


def test_logout_all_needs_a_login():
    response = english_client().post("/api/v1/auth/logout-all/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_settings_button_logs_out_everywhere():
    user = UserFactory()
    _token, raw = token_issue(user=user)
    laptop, phone = _logged_in_browser(user), _logged_in_browser(user)

    response = laptop.post("/settings/logout-everywhere/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not _signed_in(laptop)
    assert not _signed_in(phone)
    assert _me(raw) == 401
    assert not AuthToken.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert "Log out everywhere" in browser(user).get("/settings/security/").content.decode()


def test_a_password_change_keeps_this_session_and_ends_the_others():
    user = UserFactory()
    _token, raw = token_issue(user=user)
    laptop, phone = _logged_in_browser(user), _logged_in_browser(user)

    response = laptop.post(
        "/settings/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert _signed_in(laptop)
    assert not _signed_in(phone)
    assert _me(raw) == 401
    assert not AuthToken.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_wrong_current_password_changes_nothing():
    user = UserFactory()
    _token, raw = token_issue(user=user)
    laptop, phone = _logged_in_browser(user), _logged_in_browser(user)

    response = laptop.post(
        "/settings/password/",
        {"old_password": "salah", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 400
    assert _signed_in(phone)
    assert _me(raw) == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_password_reset_ends_every_session_and_token():
    user = UserFactory()
    _token, raw = token_issue(user=user)
    thief = _logged_in_browser(user)
    user.refresh_from_db()  # the reset token covers last_login
    link = (
        f"/accounts/password-reset/{urlsafe_base64_encode(force_bytes(user.pk))}/"
        f"{default_token_generator.make_token(user)}/"
    )
    owner = Client()
    form_url = owner.get(link)["Location"]

    response = owner.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert not _signed_in(thief)
    assert _me(raw) == 401
    assert not AuthToken.objects.filter(user=user).exists()


def test_a_password_set_any_other_way_also_voids_tokens():
    """The admin or ``manage.py changepassword`` do not call our services: the tokens are bound
    to the password all the same."""
    user = UserFactory()
    _token, raw = token_issue(user=user)
    user.set_password(NEW_PASSWORD)
    user.save()
    assert _me(raw) == 401


def test_a_token_from_before_the_epoch_existed_still_works():
    """Tokens made before the binding were bound by the migration to the same hash."""
    user = UserFactory()
    token, raw = token_issue(user=user)
    assert user.session_epoch == 0
    assert token.auth_hash == user.get_session_auth_hash()
    assert _me(raw) == 200
    assert client_for(user).get("/api/v1/me/").status_code == 200
    assert re.fullmatch(r"[0-9a-f]{64}", token.auth_hash)


def test_schema_documents_logout_all():
    out = english_client().get("/api/schema/?format=json").json()
    operation = out["paths"]["/api/v1/auth/logout-all/"]["post"]
    assert "Log out everywhere" in operation["summary"]
    assert "204" in operation["responses"]


@pytest.mark.parametrize("path", ["/settings/password/", "/settings/logout-everywhere/"])
def test_anonymous_visitors_are_sent_to_log_in(path):
    user = UserFactory()
    _token, raw = token_issue(user=user)
    response = Client().post(path, {"old_password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert _me(raw) == 200

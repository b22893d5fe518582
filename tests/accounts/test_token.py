from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import AuthToken
from tests.accounts.factories import PASSWORD, UserFactory
from tests.conftest import client_for

TOKEN_URL = "/api/v1/auth/token/"


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["rina", "RINA", "rina@example.id", "Rina@Example.ID"])
def test_login_by_username_or_email_in_any_case(api_client, login):
    user = UserFactory(username="rina", email="rina@example.id")

    response = api_client.post(TOKEN_URL, {"username": login, "password": PASSWORD}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["id"] == user.id
    token = AuthToken.objects.get(user=user)
    assert token.digest != body["token"]  # only the digest is stored
    assert token.expires_at > timezone.now() + timedelta(days=29)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        {"username": "rina", "password": "salah-password"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "nobody@example.id", "password": PASSWORD},
    ],
)
def test_wrong_credentials_give_one_message_and_no_token(api_client, payload):
    UserFactory(username="rina", email="rina@example.id")

    response = api_client.post(TOKEN_URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["message"] == "Wrong username, e-mail or password."
    assert not AuthToken.objects.exists()


@pytest.mark.django_db
def test_deactivated_user_cannot_log_in(api_client):
    UserFactory(username="rina", is_active=False)

    response = api_client.post(TOKEN_URL, {"username": "rina", "password": PASSWORD}, format="json")

    assert response.status_code == 400
    assert not AuthToken.objects.exists()


@pytest.mark.django_db
def test_expired_token_is_refused_with_a_message(user):
    client = client_for(user)
    assert client.get("/api/v1/me/").status_code == 200

    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert "expired" in response.json()["message"]
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-real-token", "Bearer", "Bearer two parts", "Bearer \u00e9t\u00e9"],
)
def test_wrong_or_malformed_token_is_401(api_client, header):
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.django_db
def test_anonymous_request_is_401_with_bearer_challenge(api_client):
    response = api_client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.django_db
def test_logout_revokes_only_the_token_used(user):
    client = client_for(user)
    other_device = client_for(user)

    assert client.post("/api/v1/auth/logout/").status_code == 204

    assert client.get("/api/v1/me/").status_code == 401
    assert other_device.get("/api/v1/me/").status_code == 200
    assert AuthToken.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_logout_needs_a_login(api_client):
    assert api_client.post("/api/v1/auth/logout/").status_code == 401


@pytest.mark.django_db
def test_logout_ends_a_browser_session(api_client, user):
    api_client.force_login(user)
    assert api_client.get("/api/v1/me/").status_code == 200

    assert api_client.post("/api/v1/auth/logout/").status_code == 204

    assert api_client.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_a_burst_of_wrong_passwords_is_slowed_and_told_so(api_client, settings):
    settings.AUTH_THROTTLE_RATE = "3/min"
    UserFactory(username="rina")
    wrong = {"username": "rina", "password": "tebak-tebak"}

    statuses = [api_client.post(TOKEN_URL, wrong, format="json").status_code for _ in range(3)]
    blocked = api_client.post(TOKEN_URL, {"username": "rina", "password": PASSWORD}, format="json")

    assert statuses == [400, 400, 400]
    assert blocked.status_code == 429
    body = blocked.json()
    assert body["code"] == "throttled"
    assert 0 < body["retry_after"] <= 60
    assert f"{body['retry_after']} seconds" in body["message"]
    assert int(blocked["Retry-After"]) == body["retry_after"]
    assert not AuthToken.objects.exists()

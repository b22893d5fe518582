import threading

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import AuthToken, User
from tests.accounts.factories import PASSWORD, UserFactory

URL = "/api/v1/auth/register/"
GOOD = {
    "username": "sari.kue",
    "email": "sari@tokokue.id",
    "password": PASSWORD,
    "display_name": "Toko Kue Sari",
}


def register(client, **overrides):
    return client.post(URL, {**GOOD, **overrides}, format="json")


@pytest.mark.django_db
def test_register_creates_user_and_returns_a_working_token(api_client):
    response = register(api_client, preferred_language="en")

    assert response.status_code == 201
    body = response.json()
    assert body["user"]["username"] == "sari.kue"
    assert body["user"]["email"] == "sari@tokokue.id"
    assert body["user"]["preferred_language"] == "en"
    assert "password" not in body["user"]
    user = User.objects.get(username="sari.kue")
    assert user.check_password(PASSWORD)
    me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200
    assert me.json()["id"] == user.id


@pytest.mark.django_db
def test_register_defaults_to_indonesian(api_client):
    assert register(api_client).json()["user"]["preferred_language"] == "id"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": "SARI.KUE"}, "username"),
        ({"username": "Sari.Kue", "email": "other@tokokue.id"}, "username"),
        ({"username": "lain", "email": "SARI@TOKOKUE.ID"}, "email"),
    ],
)
def test_duplicate_username_or_email_in_any_case_is_refused(api_client, overrides, field):
    UserFactory(username="sari.kue", email="sari@tokokue.id")

    response = register(api_client, **overrides)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert User.objects.count() == 1
    assert AuthToken.objects.count() == 0


BAD_INPUT = [
    ({"username": "ab"}, "username"),
    ({"username": "a" * 31}, "username"),
    ({"username": "sari kue"}, "username"),
    ({"username": ".sari"}, "username"),
    ({"username": "sári"}, "username"),
    ({"username": 12345}, "username"),
    ({"email": "not-an-email"}, "email"),
    ({"email": "a" * 250 + "@x.id"}, "email"),
    ({"password": "123"}, "password"),
    ({"password": "password"}, "password"),
    ({"password": "sari.kue"}, "password"),
    ({"password": "x" * 129}, "password"),
    ({"display_name": "x" * 81}, "display_name"),
    ({"preferred_language": "fr"}, "preferred_language"),
    ({"preferred_language": ["id"]}, "preferred_language"),
    ({"is_staff": True}, "is_staff"),
    ({"role": "admin"}, "role"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "field"), BAD_INPUT)
def test_bad_registration_input_is_a_400_naming_the_field(api_client, overrides, field):
    response = register(api_client, **overrides)

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert field in body["fields"]
    assert body["fields"][field][0]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_missing_fields_are_each_named(api_client):
    response = api_client.post(URL, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"username", "email", "password"}


@pytest.mark.django_db
def test_database_refuses_usernames_and_emails_differing_only_in_case():
    UserFactory(username="budi", email="budi@example.id")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="BUDI", email="other@example.id")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="other", email="Budi@Example.ID")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_name_create_one_account():
    from rest_framework.test import APIClient

    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def attempt(n: int) -> None:
        try:
            barrier.wait()
            response = APIClient().post(
                URL,
                {
                    **GOOD,
                    "username": "Sama.Nama" if n % 2 else "sama.nama",
                    "email": f"orang{n}@example.id",
                },
                format="json",
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201] + [400] * 7
    assert User.objects.filter(username__iexact="sama.nama").count() == 1

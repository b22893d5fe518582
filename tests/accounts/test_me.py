import pytest

from accounts.models import User
from tests.conftest import client_for

URL = "/api/v1/me/"


@pytest.mark.django_db
def test_me_shows_only_the_callers_own_account(user):
    response = client_for(user).get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "email_verified_at": None,
        "display_name": user.display_name,
        "preferred_language": "id",
        "date_joined": response.json()["date_joined"],
        "photo_url": "",
    }


@pytest.mark.django_db
def test_patch_changes_display_name_and_language(user):
    response = client_for(user).patch(
        URL, {"display_name": "Warung Bu Tini", "preferred_language": "en"}, format="json"
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.display_name == "Warung Bu Tini"
    assert user.preferred_language == "en"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "baru"}, "username"),
        ({"email": "baru@example.id"}, "email"),
        ({"id": 99}, "id"),
        ({"is_superuser": True}, "is_superuser"),
        ({"display_name": "x" * 81}, "display_name"),
        ({"display_name": {"a": 1}}, "display_name"),
        ({"preferred_language": 5}, "preferred_language"),
    ],
)
def test_patch_refuses_bad_or_protected_fields_and_changes_nothing(user, payload, field):
    before = User.objects.values().get(pk=user.pk)

    response = client_for(user).patch(URL, payload, format="json")

    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert User.objects.values().get(pk=user.pk) == before


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "patch"])
def test_me_needs_a_login(api_client, method):
    response = getattr(api_client, method)(URL, {}, format="json")
    assert response.status_code == 401

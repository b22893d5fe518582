"""Text no database can store and JSON nested too deeply are refused with a 400, wherever they
come in — the path, a query parameter, a JSON body, a form, a multipart field — on SQLite as
on PostgreSQL (where a NUL in a query parameter used to be a 500)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.settings import api_settings

from marketplace import request_guard
from projects.models import ContractMessage, Gig
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client

pytestmark = pytest.mark.django_db

SHAPE = {"code", "message", "fields"}
NUL_MESSAGE = "Null characters are not allowed."


def page_client() -> Client:
    return Client(headers={"accept-language": "en"}, raise_request_exception=False)


def deep(levels: int, leaf: object = 1) -> str:
    return "[" * levels + json.dumps(leaf) + "]" * levels


# --- the path and the query string -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/clients/%00/",
        "/api/v1/freelancers/%00/",
        "/api/v1/clients/%00/reviews/",
        "/api/v1/freelancers/%00/reviews/",
        "/api/v1/freelancers/budi%00desain/",
        "/api/v1/gigs/%00/",
    ],
)
def test_a_nul_in_an_api_path_is_a_400(path):
    UserFactory(username="budi")  # a profile a cut-short name could have matched

    response = english_client().get(path)

    assert response.status_code == 400
    assert set(response.json()) == SHAPE
    assert response.json()["code"] == "invalid"
    assert "NUL character" in response.json()["message"]


@pytest.mark.parametrize("path", ["/freelancers/%00/", "/clients/%00/", "/gigs/%00/"])
def test_a_nul_in_a_page_path_is_the_400_page(path):
    response = page_client().get(path)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "NUL character" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("q=logo%00", "q"),
        ("category=desain%00", "category"),
        ("sort=newest&cursor=%00", "cursor"),
        ("a%00=1", "a\x00"),
    ],
)
def test_a_nul_in_a_query_parameter_is_a_400_naming_it(query, name):
    response = english_client().get(f"/api/v1/gigs/?{query}")

    assert response.status_code == 400
    assert response.json()["fields"] == {name: [NUL_MESSAGE]}


@pytest.mark.parametrize("path", ["/?q=logo%00", "/freelancers/?city=Medan%00"])
def test_a_nul_in_a_page_query_is_the_400_page(path):
    response = page_client().get(path)

    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def test_a_session_cookie_holding_a_nul_is_ignored_not_looked_up():
    client = page_client()
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"

    response = client.get("/")

    assert response.status_code == 200


# --- JSON bodies -------------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [5_000, 100, request_guard.MAX_JSON_DEPTH + 1])
def test_json_nested_too_deeply_is_a_400_even_before_logging_in(levels):
    body = '{"username": ' + deep(levels) + ', "password": "x"}'

    response = english_client().generic(
        "POST", "/api/v1/auth/token/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert set(response.json()) == SHAPE
    assert "nested too deeply" in response.json()["message"].lower()


def test_json_as_deep_as_allowed_reaches_the_serializer():
    body = '{"username": ' + deep(request_guard.MAX_JSON_DEPTH - 1) + ', "password": "x"}'

    response = english_client().generic(
        "POST", "/api/v1/auth/token/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"username": ["Must be text."]}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/auth/register/"),
        ("POST", "/api/v1/gigs/"),
        ("PATCH", "/api/v1/me/"),
        ("POST", "/api/v1/wallet/withdrawals/"),
        ("POST", "/api/v1/reports/"),
    ],
)
def test_json_nested_5000_deep_is_a_400_on_every_kind_of_endpoint(user, method, path):
    response = client_for(user).generic(
        method, path, deep(5_000), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert response.status_code == 400, response.content
    assert set(response.json()) == SHAPE


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"display_name": "Sari\x00"}, {"display_name": [NUL_MESSAGE]}),
        ({"display_name": "Sari", "x\x00": 1}, {"non_field_errors": [NUL_MESSAGE]}),
        (
            {"notification_kinds": [{"a": ["ok", "b\x00"]}]},
            {"notification_kinds.0.a.1": [NUL_MESSAGE]},
        ),
    ],
)
def test_unstorable_text_anywhere_in_a_json_body_is_a_400_naming_where(user, body, fields):
    response = client_for(user).patch("/api/v1/me/", body, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == fields
    user.refresh_from_db()
    assert "\x00" not in user.display_name


def test_an_unpaired_surrogate_in_json_is_a_400(user):
    body = '{"display_name": "Sari \\ud83d"}'  # half of an emoji: no UTF-8 text holds it

    response = client_for(user).generic(
        "PATCH", "/api/v1/me/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "display_name": ["Surrogate characters are not allowed: U+D83D."]
    }


# --- forms and multipart ---------------------------------------------------------------------


def test_a_nul_in_a_page_form_field_is_the_400_page():
    user = UserFactory()
    user.set_password("rahasia-panjang-sekali")
    user.save()

    response = page_client().post(
        "/accounts/login/", {"username": user.username + "\x00", "password": "x"}
    )

    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def test_a_nul_in_a_multipart_field_is_a_400(contract):
    response = client_for(contract.client).post(
        f"/api/v1/contracts/{contract.pk}/messages/",
        {"body": "Halo\x00, ini revisinya"},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"body": [NUL_MESSAGE]}
    assert not ContractMessage.objects.exists()


# --- every API view parses through the guard -------------------------------------------------


def _views(patterns: list) -> list[type]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
            found.append(pattern.callback.cls)
    return found


def test_every_api_view_reads_bodies_through_the_guarded_parsers():
    guarded = (request_guard.JSONParser, request_guard.MultiPartParser)
    views = _views(get_resolver().url_patterns)
    assert len(views) > 50
    unguarded = sorted(
        f"{view.__module__}.{view.__name__}: {parser.__name__}"
        for view in views
        for parser in getattr(view, "parser_classes", api_settings.DEFAULT_PARSER_CLASSES)
        if not issubclass(parser, guarded)
    )
    assert unguarded == []


def test_a_gig_with_a_nul_is_never_stored(user):
    response = client_for(user).post("/api/v1/gigs/", {"title": "Logo\x00"}, format="json")

    assert response.status_code == 400
    assert not Gig.objects.exists()

"""Headers with bytes that are not ASCII never make a 500.

A WSGI server hands header values to Django as ``str`` decoded from Latin-1, so any byte can
arrive: UTF-8 text shows up as "Ã©", a stray 0xff as "ÿ". Each header Garap reads is sent here
with such values, as gunicorn would deliver them, to the endpoints that read it. A header that
authenticates or keys a request answers a 4xx in the API's error shape; the others are ignored
or fall back (Accept-Language: the default language).
"""

import pytest
from django.test import Client

from payments.gateways.sandbox import SIGNATURE_HEADER, sign, webhook_body
from payments.models import Deposit, IdempotencyRecord, LedgerTransaction
from payments.services.deposits import deposit_create
from tests.accounts.factories import UserFactory
from tests.conftest import client_for


def as_wsgi(text: str) -> str:
    """What a WSGI server makes of ``text`` sent as UTF-8 bytes."""
    return text.encode("utf-8").decode("latin-1")


NON_ASCII = [
    pytest.param(as_wsgi("sha256=é"), id="utf8-e-acute"),
    pytest.param(as_wsgi("€") * 40, id="utf8-euro"),
    pytest.param("\xff\xfe\x85", id="raw-high-bytes"),
    pytest.param(as_wsgi("kunci-🔑"), id="utf8-emoji"),
]
SIGNATURE_META = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")


def assert_error_shape(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", NON_ASCII)
def test_a_non_ascii_webhook_signature_is_a_400_and_credits_nothing(api_client, value):
    deposit = deposit_create(user=UserFactory(), amount=100_000)
    body = webhook_body(reference=deposit.reference, status="paid", amount=deposit.amount)

    response = api_client.generic(
        "POST",
        "/api/v1/payments/webhooks/sandbox/",
        body,
        content_type="application/json",
        **{SIGNATURE_META: value},
    )

    assert_error_shape(response, 400, "invalid_signature")
    assert Deposit.objects.get(pk=deposit.pk).status == Deposit.Status.PENDING
    assert LedgerTransaction.objects.count() == 0


def test_the_valid_signature_with_a_non_ascii_tail_does_not_match():
    from payments.gateways import InvalidWebhook
    from payments.gateways.sandbox import SandboxGateway

    body = webhook_body(reference="abc", status="paid", amount=10_000)

    with pytest.raises(InvalidWebhook):
        SandboxGateway().parse_webhook(body, {SIGNATURE_HEADER: sign(body) + as_wsgi("é")})


@pytest.mark.django_db
@pytest.mark.parametrize("value", NON_ASCII)
def test_a_non_ascii_idempotency_key_is_a_400_and_nothing_is_created(value):
    api = client_for(UserFactory())

    response = api.post(
        "/api/v1/wallet/deposits/",
        {"amount": 100_000},
        format="json",
        HTTP_IDEMPOTENCY_KEY=value,
    )

    assert_error_shape(response, 400, "invalid")
    assert "Idempotency-Key" in response.json()["fields"]
    assert Deposit.objects.count() == 0
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("value", NON_ASCII)
def test_a_non_ascii_bearer_token_is_a_401(api_client, value):
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer " + value)

    assert_error_shape(response, 401, "authentication_failed")


@pytest.mark.django_db
@pytest.mark.parametrize("value", NON_ASCII)
def test_a_non_ascii_authorization_scheme_is_not_authenticated(api_client, value):
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=value)

    assert_error_shape(response, 401, "not_authenticated")


# Endpoints that read the remaining headers: the API (JSON), the pages, a login form, the admin.
PATHS = ["/api/v1/categories/", "/api/v1/gigs/", "/", "/accounts/login/", "/admin/login/"]
OTHER_HEADERS = [
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_COOKIE",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_REFERER",
    "HTTP_ORIGIN",
    "HTTP_ACCEPT",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_USER_AGENT",
]


@pytest.mark.django_db
@pytest.mark.parametrize("header", OTHER_HEADERS)
@pytest.mark.parametrize("value", NON_ASCII)
def test_other_headers_with_non_ascii_bytes_are_never_a_server_error(header, value):
    cookie_values = {
        "HTTP_COOKIE": f"django_language={value}; sessionid={value}; csrftoken={value}"
    }
    client = Client(raise_request_exception=False)
    for path in PATHS:
        sent = cookie_values.get(header, value)
        got = client.get(path, **{header: sent})
        posted = client.post(path, {"username": "x", "password": "y"}, **{header: sent})

        assert got.status_code < 500, (path, got.status_code)
        assert posted.status_code < 500, (path, posted.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("value", NON_ASCII)
def test_a_non_ascii_accept_language_falls_back_to_bahasa_indonesia(value):
    response = Client().get("/api/v1/nope/", HTTP_ACCEPT_LANGUAGE=value)

    assert response.status_code == 404
    assert response["Content-Language"] == "id"


@pytest.mark.django_db
@pytest.mark.parametrize("value", NON_ASCII)
def test_a_non_ascii_content_type_charset_is_never_a_server_error(value):
    # JSON is UTF-8 whatever the charset parameter says: the body is read as such.
    api = client_for(UserFactory())

    response = api.generic(
        "POST",
        "/api/v1/wallet/deposits/",
        b'{"amount": 100000}',
        content_type=f"application/json; charset={value}",
    )

    assert response.status_code == 201
    assert Deposit.objects.get().amount == 100_000


@pytest.mark.django_db
@pytest.mark.parametrize("value", NON_ASCII)
def test_a_non_ascii_host_is_a_400(value):
    response = Client(raise_request_exception=False).get("/api/v1/categories/", HTTP_HOST=value)

    assert response.status_code == 400

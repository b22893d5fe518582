"""Hostile input on every operation of the schema: a clear 4xx in the error format, never a 500.

Generated from the OpenAPI schema (tests/fuzz/operations.py), so a new endpoint is covered by
every case below the day it is added:

- a NUL byte in each path segment, query parameter, JSON text field and form field, and in the
  headers every request may carry;
- a JSON body nested 5 000 levels deep on every JSON endpoint (as a logged-in user, and
  anonymously where the operation allows it: ``auth/token/``, ``auth/register/``…);
- non-ASCII and over-long values of the headers that carry identity, money or language
  (Authorization, Idempotency-Key, the payment webhook's signature, Accept-Language,
  X-Forwarded-For, and every header parameter the schema declares).

Each request acts as the user the operation belongs to, on objects of the world
(tests/fuzz/world.py) that user may act on, so it reaches the view's own checks rather than a
404 for an object that does not exist.

A header's value arrives as a real WSGI server hands it over: its UTF-8 bytes read as ISO-8859-1.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.fuzz.conftest import http_client
from tests.fuzz.operations import Operation, api_operations, nested_value, string_fields
from tests.fuzz.world import World

pytestmark = [
    pytest.mark.django_db,
    # The throttles key a client by its X-Forwarded-For as sent (until only trusted proxies
    # count): Django warns that such a key would not suit memcached, which Garap does not use.
    pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning"),
]

OPERATIONS = api_operations()

# The headers any request may carry; the schema's own header parameters are added per operation.
COMMON_HEADERS = (
    "Authorization",
    "Idempotency-Key",
    "X-Sandbox-Signature",
    "Accept-Language",
    "X-Forwarded-For",
)
DEEP = 5_000


# --- what a refusal looks like ------------------------------------------------------------------


def _body(response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def _describe(response) -> str:
    return f"{response.status_code} {response.content[:300]!r}"


def assert_error_format(response, what: str) -> dict:
    body = _body(response)
    assert response["Content-Type"].startswith("application/json"), (what, _describe(response))
    assert isinstance(body, dict), (what, _describe(response))
    assert isinstance(body.get("code"), str), (what, _describe(response))
    assert isinstance(body.get("message"), str), (what, _describe(response))
    assert body["message"], (what, _describe(response))
    assert isinstance(body.get("fields"), dict), (what, _describe(response))
    return body


def assert_refused(response, what: str) -> dict:
    """A 4xx in the API's error format."""
    assert 400 <= response.status_code < 500, (what, _describe(response))
    return assert_error_format(response, what)


def assert_no_server_error(response, what: str) -> None:
    """Not a 5xx; a refusal in the error format."""
    assert response.status_code < 500, (what, _describe(response))
    if response.status_code >= 400:
        assert_error_format(response, what)


# --- requests -----------------------------------------------------------------------------------


def _url(op: Operation, world: World, role: str, **path: str) -> str:
    url = op.route
    for param in op.path_params:
        value = path.get(param)
        if value is None:
            value = quote(str(world.home_value(op.route, param, role) or 1), safe="")
        url = url.replace("{" + param + "}", value)
    return url


def _auth(tokens: dict[str, str], role: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"} if role else {}


def _send(op: Operation, url: str, *, headers: dict[str, str], data: Any = None, **kw: Any):
    client = http_client()
    if data is None and op.json_body is not None and op.method in ("POST", "PUT", "PATCH"):
        data, kw = "{}", {"content_type": "application/json", **kw}
    return client.generic(op.method, url, data=data or "", headers=headers, **kw)


def _wsgi(value: str) -> str:
    """How a WSGI server hands a header's bytes to Django: UTF-8 read as ISO-8859-1."""
    return value.encode("utf-8").decode("iso-8859-1")


def _ids(ops) -> list[str]:
    return [str(op) for op in ops]


# --- NUL bytes ----------------------------------------------------------------------------------

WITH_PATH = [op for op in OPERATIONS if op.path_params]
# Text in a path segment would reach a database query as it is, and PostgreSQL cannot hold a
# NUL: the request guard refuses it before any view runs (marketplace/request_guard.py).


@pytest.mark.parametrize("op", [pytest.param(op, id=str(op)) for op in WITH_PATH])
def test_nul_in_a_path_segment_is_refused(op, world, tokens):
    for param in op.path_params:
        for value in ("%00", "a%00b", "1%00"):
            url = _url(op, world, op.role, **{param: value})
            response = _send(op, url, headers=_auth(tokens, op.role))
            assert_refused(response, f"{op} with {param}={value}")


WITH_QUERY = [op for op in OPERATIONS if op.query_params]


@pytest.mark.parametrize("op", WITH_QUERY, ids=_ids(WITH_QUERY))
def test_nul_in_a_query_parameter_is_refused(op, world, tokens):
    url = _url(op, world, op.role)
    for param in op.query_params:
        for value in ("\x00", "a\x00b"):
            response = http_client().generic(
                op.method,
                f"{url}?{param}={quote(value)}",
                headers=_auth(tokens, op.role),
            )
            assert_refused(response, f"{op} with ?{param}={value!r}")


WITH_JSON_TEXT = [op for op in OPERATIONS if op.json_body and string_fields(op.json_body)]


@pytest.mark.parametrize("op", WITH_JSON_TEXT, ids=_ids(WITH_JSON_TEXT))
def test_nul_in_a_json_text_field_is_refused_naming_the_field(op, world, tokens):
    url = _url(op, world, op.role)
    headers = _auth(tokens, None if op.anonymous else op.role)
    for field in string_fields(op.json_body):
        name, value = nested_value(field, "a\x00b")
        response = _send(
            op,
            url,
            headers=headers,
            data=json.dumps({name: value}),
            content_type="application/json",
        )
        body = assert_refused(response, f"{op} with {field} holding a NUL")
        if body["code"] == "invalid":  # not, e.g., the webhook's signature refused first
            assert field in body["fields"] or name in body["fields"], (op, field, body)


WITH_FORM_TEXT = [op for op in OPERATIONS if op.form_body and string_fields(op.form_body)]


@pytest.mark.parametrize("op", WITH_FORM_TEXT, ids=_ids(WITH_FORM_TEXT))
def test_nul_in_a_form_field_is_refused_naming_the_field(op, world, tokens):
    url = _url(op, world, op.role)
    for field in string_fields(op.form_body):
        response = _send(op, url, headers=_auth(tokens, op.role), data={field: "a\x00b"})
        body = assert_refused(response, f"{op} with form field {field} holding a NUL")
        if body["code"] == "invalid":
            assert field in body["fields"], (op, field, body)


WITH_FILES = [
    op
    for op in OPERATIONS
    if op.form_body
    and any(
        p.get("format") == "binary" or p.get("items", {}).get("format") == "binary"
        for p in op.form_body.get("properties", {}).values()
    )
]


@pytest.mark.parametrize("op", WITH_FILES, ids=_ids(WITH_FILES))
def test_nul_in_an_uploaded_file_name_is_never_a_server_error(op, world, tokens):
    url = _url(op, world, op.role)
    for name, prop in op.form_body["properties"].items():
        if prop.get("format") != "binary" and prop.get("items", {}).get("format") != "binary":
            continue
        upload = SimpleUploadedFile("lampiran\x00.txt", b"isi lampiran", content_type="text/plain")
        data = {
            name: upload,
            **{f: "catatan" for f in op.form_body.get("required", []) if f != name},
        }
        response = _send(op, url, headers=_auth(tokens, op.role), data=data)
        assert_no_server_error(response, f"{op} with a NUL in the name of {name}")


# --- deep JSON ----------------------------------------------------------------------------------

# Python's JSON decoder gives up near a thousand levels with a RecursionError: the request
# guard's parser refuses deep JSON first (marketplace/request_guard.py).
DEEP_BODIES = {
    "lists": "[" * DEEP + "]" * DEEP,
    "objects": '{"a":' * DEEP + "0" + "}" * DEEP,
}


def _deep_cases():
    for op in OPERATIONS:
        if op.json_body is None:
            continue
        for who in [op.role] + (["anonymous"] if op.anonymous else []):
            yield pytest.param(op, who, id=f"{op}-{who}")


@pytest.mark.parametrize(("op", "who"), list(_deep_cases()))
def test_json_nested_5000_levels_is_refused(op, who, world, tokens):
    role = None if who == "anonymous" else who
    for shape, body in DEEP_BODIES.items():
        response = _send(
            op,
            _url(op, world, op.role),
            headers=_auth(tokens, role),
            data=body,
            content_type="application/json",
        )
        assert_refused(response, f"{op} as {who} with {shape} nested {DEEP} deep")


# --- non-ASCII and over-long headers ------------------------------------------------------------

LONG = 8_000  # about what a server's header-line limit lets through (gunicorn: 8 190 bytes)
HEADER_VALUES = {
    "Authorization": {
        "NUL": "Bearer a\x00b",
        "non-ASCII": "Bearer kunci-rahasia-ключ-秘密",
        "over-long": "Bearer " + "a" * LONG,
    },
    "X-Forwarded-For": {
        "NUL": "203.0.113.7\x00",
        "non-ASCII": "١٢٧.٠.٠.١, ११.२.३.४",
        "over-long": ", ".join(["203.0.113.7"] * (LONG // 13)),
    },
    "Accept-Language": {
        "NUL": "id\x00",
        "non-ASCII": "ру-РУ,中文;q=0.9",
        "over-long": ",".join(["id-ID;q=0.9"] * (LONG // 12)),
    },
}
DEFAULT_VALUES = {"NUL": "a\x00b", "non-ASCII": "kunci-ключ-秘密-🔑", "over-long": "k" * LONG}
# Operations that take an Idempotency-Key: the schema declares it.
IDEMPOTENT = {op.operation_id for op in OPERATIONS if "Idempotency-Key" in op.header_params}


@pytest.mark.parametrize("op", [pytest.param(op, id=str(op)) for op in OPERATIONS])
def test_nul_non_ascii_and_over_long_headers_are_never_a_server_error(op, world, tokens):
    url = _url(op, world, op.role)
    for header in dict.fromkeys((*COMMON_HEADERS, *op.header_params)):
        for variant, value in HEADER_VALUES.get(header, DEFAULT_VALUES).items():
            headers = _auth(tokens, op.role)
            headers[header] = _wsgi(value)
            response = _send(op, url, headers=headers)
            what = f"{op} with a {variant} {header}"
            assert_no_server_error(response, what)
            if header == "Authorization" and not op.anonymous:
                # Whoever sends a token that is not one is nobody.
                assert response.status_code == 401, (what, _describe(response))
            idempotent = header == "Idempotency-Key" and op.operation_id in IDEMPOTENT
            if idempotent and variant in ("NUL", "over-long"):  # not 1–100 printable characters
                assert response.status_code == 400, (what, _describe(response))

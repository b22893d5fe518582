"""What the bad-input tests of the API share: bodies built by changing a valid one, tables of
cases as parameters, and how a refusal must look (a clear 4xx naming the fields)."""

from __future__ import annotations

import pytest

REMOVE = object()  # a change that leaves the key out of the body


def apply(base: dict, changes: dict) -> dict:
    body = dict(base)
    for key, value in changes.items():
        if value is REMOVE:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def cases(table):
    """(id, changes, fields[, message]) rows as parameters; no message: the serializer's."""
    return [
        pytest.param(changes, fields, rest[0] if rest else None, id=case_id)
        for case_id, changes, fields, *rest in table
    ]


def assert_refused(response, status: int, code: str, fields: dict, message: str | None = None):
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["fields"] == fields
    if message is None:  # the serializer's wording: the one field and its problem, or a list
        if len(fields) == 1:
            [(name, messages)] = fields.items()
            message = f"{name}: {messages[0]}"
        else:
            message = f"Check these fields: {', '.join(fields)}."
    assert body["message"] == message

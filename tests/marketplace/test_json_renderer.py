"""The API's JSON renderer (orjson) writes exactly the bytes DRF's own renderer writes."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from marketplace.api.renderers import JSONRenderer

JAKARTA = timezone(timedelta(hours=7))

PAYLOADS = [
    {"id": 1, "title": "Desain logo warung kopi ☕", "budget": 150_000, "ok": True, "x": None},
    [1, 2.5, -3, 0.1, 0.001, 4.75, 12345678901234, "teks", [], {}],
    {"published_at": datetime(2026, 11, 24, 8, 30, 15, 123456, tzinfo=UTC)},
    {"due": datetime(2026, 11, 24, 15, 0, tzinfo=JAKARTA), "day": date(2026, 11, 24)},
    {"at": time(9, 30, 1, 500), "naive": datetime(2026, 1, 2, 3, 4, 5)},
    {"rating": Decimal("4.750"), "rate": Decimal("0.5")},
    {"message": gettext_lazy("Gig not found."), "id": uuid.UUID(int=7)},
    {1: "int keys", "nested": {"a": [{"b": "c"}]}},
    {"separator": "baris\u2028baru\u2029akhir", "quote": 'kata "kutip" \\ garis'},
    ReturnDict({"results": ReturnList([{"id": 1}], serializer=None)}, serializer=None),
    {"huge": 2**70},  # beyond orjson's 64 bits: DRF's encoder writes it
]


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_the_bytes_are_drfs(payload):
    assert JSONRenderer().render(payload) == DRFJSONRenderer().render(payload)


def test_a_small_float_is_written_without_an_exponent_with_the_same_value():
    # The one difference: Python writes 1e-05, orjson 0.00001 (1e+16 alike). Ratings and
    # rates (1–5, 0–1, three places) never take that form; JSON readers see the same number.
    payload = [1e-05, 1e16]
    ours, drfs = JSONRenderer().render(payload), DRFJSONRenderer().render(payload)
    assert (ours, drfs) == (b"[0.00001,1e+16]", b"[1e-05,1e+16]")
    assert json.loads(ours) == json.loads(drfs)


def test_nothing_renders_as_an_empty_body():
    assert JSONRenderer().render(None) == b""


def test_an_indented_answer_is_asked_for_and_given():
    body = JSONRenderer().render({"a": 1}, "application/json; indent=2")
    assert body == DRFJSONRenderer().render({"a": 1}, "application/json; indent=2")
    assert body == b'{\n  "a": 1\n}'


@pytest.mark.django_db
def test_the_api_answers_through_it(client):
    response = client.get("/api/v1/gigs/")
    assert response.status_code == 200
    assert type(response.accepted_renderer) is JSONRenderer

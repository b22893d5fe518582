"""``Idempotency-Key`` for money-moving API calls.

The first request with a key does its work and stores its successful response in **one**
transaction, unique per user and key; every repeat replays that response. A repeat while the
first is still running gets 409, the same key on a different request 422.

The key is claimed inside that same transaction, never in a row committed ahead of the work: on
PostgreSQL by a transaction-level advisory lock, on SQLite by the database's write lock (which
every transaction takes at its start, ``transaction_mode=IMMEDIATE``). Whatever ends the
request — an error, a refusal, a crash of the process, the database going away — ends the
transaction, and the database itself releases the claim with it: nothing committed, nothing
left to clean up, and a retry is processed at once.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.requests import SignedInRequest
from accounts.staff_policy import StaffIsParty
from marketplace.api import error_body
from marketplace.transactions import run_atomic
from payments.models import IdempotencyRecord

HEADER = "Idempotency-Key"
# What a key may hold: the header is a structured-field string (the IETF draft), which is
# printable ASCII. Anything else reached us as Latin-1-decoded bytes and is refused, not stored.
_VISIBLE_ASCII = re.compile(r"[\x20-\x7e]+")


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str) if request.data else ""
    return hashlib.sha256(body.encode()).hexdigest()


def _in_progress() -> Response:
    return Response(
        error_body(
            "idempotency_in_progress",
            _("A request with this Idempotency-Key is still running; retry shortly."),
        ),
        status=409,
    )


def _claim(user_id: int, key: str) -> bool:
    """Claim the key for the current transaction; False if another transaction holds it."""
    if connection.vendor != "postgresql":
        return True  # SQLite: this transaction already holds the database's only write lock
    # One 64-bit lock id per (user, key); a collision of two keys only makes one of them wait
    # for the other's 409 to pass.
    digest = hashlib.blake2b(f"idempotency:{user_id}:{key}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )
        return bool(cursor.fetchone()[0])


def idempotent(request: SignedInRequest, handler: Callable[[], Response]) -> Response:
    key = request.headers.get(HEADER)
    if key is None:
        return handler()
    if not 1 <= len(key) <= 100 or not _VISIBLE_ASCII.fullmatch(key):
        return Response(
            error_body(
                "invalid",
                _("The Idempotency-Key must be 1 to 100 printable ASCII characters."),
                {HEADER: [_("Use letters, digits and punctuation only, e.g. a UUID.")]},
            ),
            status=400,
        )
    endpoint = f"{request.method} {request.path}"
    fingerprint = _fingerprint(request)
    user_id = request.user.pk

    def once() -> Response | StaffIsParty:
        if not _claim(user_id, key):
            return _in_progress()
        record = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
        if record is not None:
            if record.endpoint != endpoint or record.request_hash != fingerprint:
                return Response(
                    error_body(
                        "idempotency_key_reused",
                        _("This Idempotency-Key was already used for a different request."),
                    ),
                    status=422,
                )
            return Response(
                record.response_body,
                status=record.response_status,
                headers={"Idempotent-Replayed": "true"},
            )
        try:
            response = handler()
        except StaffIsParty as refusal:
            # Staff acting on their own deal: the service rolled its work back and wrote the
            # attempt to the audit log, which must commit; the refusal is raised after that.
            return refusal
        # A refusal (4xx) moved no money and is not remembered: the key stays free.
        if response.status_code < 400:
            IdempotencyRecord.objects.create(
                user_id=user_id,
                key=key,
                endpoint=endpoint,
                request_hash=fingerprint,
                response_status=response.status_code,
                response_body=json.loads(json.dumps(response.data, default=str)),
            )
        return response

    # The claim, the work and the saved response commit together or not at all; a transaction
    # that loses a deadlock is run again whole (marketplace.transactions).
    outcome = run_atomic(once)
    if isinstance(outcome, StaffIsParty):
        raise outcome
    return outcome


def key_parameter() -> Any:
    from drf_spectacular.utils import OpenApiParameter

    return OpenApiParameter(
        HEADER,
        str,
        OpenApiParameter.HEADER,
        required=False,
        description="Repeating a request with the same key replays its first response "
        "instead of moving money again (at most 100 characters).",
    )

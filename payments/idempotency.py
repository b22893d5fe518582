"""``Idempotency-Key`` for money-moving API calls.

The first request with a key claims it (a row committed before the work starts, unique per user
and key); its successful response is stored in the same transaction as the work and replayed
for every repeat. A repeat while the first is still running gets 409; the same key on a
different request gets 422. A request that fails moves no money, so its key is released and may
be retried; so is a claim left unfinished for ``STALE_AFTER`` by a process that died.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.staff_policy import StaffIsParty
from marketplace.api import error_body
from payments.models import IdempotencyRecord

HEADER = "Idempotency-Key"
# A claim still unfinished after this long belongs to a request whose process died.
STALE_AFTER = timedelta(minutes=10)


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


def idempotent(request: Request, handler: Callable[[], Response]) -> Response:
    key = request.headers.get(HEADER)
    if key is None:
        return handler()
    if not 1 <= len(key) <= 100 or not key.isprintable():
        return Response(
            error_body("invalid", _("The Idempotency-Key must be 1 to 100 printable characters.")),
            status=400,
        )
    endpoint = f"{request.method} {request.path}"
    fingerprint = _fingerprint(request)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                user=request.user, key=key, endpoint=endpoint, request_hash=fingerprint
            )
    except IntegrityError:
        # None: the first request failed and released the key since our insert clashed with
        # it; it moved no money, and a retry will claim the key afresh.
        record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if record is None:
            return _in_progress()
        if record.response_status is None and record.created_at < timezone.now() - STALE_AFTER:
            # Its process died before finishing (nothing committed with it): free the key.
            IdempotencyRecord.objects.filter(pk=record.pk, response_status=None).delete()
            return _in_progress()
        if record.endpoint != endpoint or record.request_hash != fingerprint:
            return Response(
                error_body(
                    "idempotency_key_reused",
                    _("This Idempotency-Key was already used for a different request."),
                ),
                status=422,
            )
        if record.response_status is None:
            return _in_progress()
        return Response(
            record.response_body,
            status=record.response_status,
            headers={"Idempotent-Replayed": "true"},
        )

    refused: StaffIsParty | None = None
    try:
        # The work and its saved response commit together: a crash between them cannot leave
        # money moved under a key that still looks unfinished.
        with transaction.atomic():
            try:
                response = handler()
            except StaffIsParty as refusal:
                # Staff acting on their own deal: the service rolled its work back and wrote
                # the attempt to the audit log, which must commit; the refusal is still raised.
                refused = refusal
            else:
                if response.status_code < 400:
                    record.response_status = response.status_code
                    record.response_body = json.loads(json.dumps(response.data, default=str))
                    record.save(update_fields=["response_status", "response_body"])
    except BaseException:
        record.delete()
        raise
    if refused is not None:
        record.delete()
        raise refused
    if response.status_code >= 400:
        record.delete()
    return response


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

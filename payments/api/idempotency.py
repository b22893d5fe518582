"""The ``Idempotency-Key`` header of money-moving API calls: ``payments.services.idempotency``
spoken in DRF requests and responses (a repeat while the first runs is a 409, the key reused on
another request a 422, a replay carries ``Idempotent-Replayed: true``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.response import Response

from accounts.requests import SignedInRequest
from marketplace.api.errors import error_body
from payments.services.idempotency import KeyReused, Replayed, StillRunning, fingerprint, run_once

HEADER = "Idempotency-Key"
# What a key may hold: the header is a structured-field string (the IETF draft), which is
# printable ASCII. Anything else reached us as Latin-1-decoded bytes and is refused, not stored.
_VISIBLE_ASCII = re.compile(r"[\x20-\x7e]+")


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
    try:
        outcome = run_once(
            user_id=request.user.pk,
            key=key,
            endpoint=f"{request.method} {request.path}",
            request_hash=fingerprint(request.data),
            work=handler,
        )
    except StillRunning:
        return Response(
            error_body(
                "idempotency_in_progress",
                _("A request with this Idempotency-Key is still running; retry shortly."),
            ),
            status=409,
        )
    except KeyReused:
        return Response(
            error_body(
                "idempotency_key_reused",
                _("This Idempotency-Key was already used for a different request."),
            ),
            status=422,
        )
    if isinstance(outcome, Replayed):
        return Response(
            outcome.data, status=outcome.status_code, headers={"Idempotent-Replayed": "true"}
        )
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

"""The API's one error shape for every 4xx and 5xx it answers, and DRF's exception handler
that writes it::

    {"code": "invalid", "message": "Check these fields: email.", "fields": {"email": ["…"]}}

``code`` is stable for programs, ``message`` is for people (in the request's language), and
``fields`` maps a field name to its messages (empty when the error is not about fields).
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from marketplace.errors import DomainError, RateLimited
from marketplace.outages import Outage, outage_of

logger = logging.getLogger(__name__)


class ErrorSerializer(serializers.Serializer):
    """Documents the error shape in the OpenAPI schema."""

    code = serializers.CharField(help_text="A stable machine-readable code, e.g. `invalid`.")
    message = serializers.CharField(help_text="What went wrong and what to do, for a person.")
    # A declared field: DRF's metaclass takes it out of the class, Serializer.fields stays.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field; empty when the error is not about a field.",
    )
    retry_after = serializers.IntegerField(
        required=False,
        help_text="Seconds to wait before trying again (429 and 503; also the Retry-After header).",
    )


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


def outage_response_body(outage: Outage) -> dict:
    """The 503 of a dependency that is down (marketplace.outages), in the one error shape."""
    body = error_body("service_unavailable", str(outage.message))
    body["retry_after"] = outage.retry_after
    return body


def _flatten_field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into ``{"field" or "a.0.b": ["message", …]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten_field_errors(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            flat[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    flat.update(
                        _flatten_field_errors(item, f"{prefix}.{index}" if prefix else str(index))
                    )
    else:
        flat[prefix or "non_field_errors"] = [str(detail)]
    return flat


def _validation_message(fields: dict[str, list[str]]) -> str:
    general = fields.get("non_field_errors")
    named = [name for name in fields if name != "non_field_errors"]
    if general and not named:
        return " ".join(general)
    if len(named) == 1 and not general:
        return f"{named[0]}: {fields[named[0]][0]}"
    return _("Check these fields: %(fields)s.") % {"fields": ", ".join(named)}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, reshaped into the one error format; domain errors mapped to statuses."""
    if isinstance(exc, RateLimited):
        body = error_body(exc.code, exc.message, exc.fields)
        body["retry_after"] = exc.retry_after
        return Response(body, status=exc.status_code, headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    outage = outage_of(exc)
    if outage is not None:
        logger.warning("Answered 503, a dependency is down: %r", exc)
        return Response(
            outage_response_body(outage),
            status=503,
            headers={"Retry-After": str(outage.retry_after)},
        )
    if isinstance(exc, SuspiciousOperation):
        # e.g. a request body over DATA_UPLOAD_MAX_MEMORY_SIZE: the client's fault, not ours.
        exc = exceptions.ParseError(
            _("The request could not be read: %(reason)s") % {"reason": exc}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found. It does not exist or you have no access to it."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    # Imported here: DRF's views read DRF's settings, which name this package's classes (this
    # handler too) — at import time that could be circular whenever this package is the first
    # to load DRF.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500 handler answers in the same shape (marketplace.views)

    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten_field_errors(exc.detail)
        body = error_body("invalid", _validation_message(fields), fields)
    elif isinstance(exc, exceptions.Throttled):
        wait = max(1, math.ceil(exc.wait or 1))  # type: ignore[attr-defined]  # not in the stubs
        body = error_body(
            "throttled",
            _("Too many attempts. Wait %(seconds)d seconds and try again.") % {"seconds": wait},
        )
        body["retry_after"] = wait
    elif isinstance(exc, exceptions.ParseError):
        body = error_body("parse_error", str(exc.detail))
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code = exc.default_code
        if isinstance(detail, (list, dict)):
            fields = _flatten_field_errors(detail)
            body = error_body(code, _validation_message(fields), fields)
        else:
            body = error_body(getattr(detail, "code", None) or code, str(detail))
    else:  # pragma: no cover - DRF only answers for APIException subclasses
        body = error_body("error", str(exc))
    response.data = body
    return response

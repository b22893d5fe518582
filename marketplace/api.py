"""API plumbing shared by every app: the error format, pagination, strict serializers.

One error shape for every 4xx and 5xx the API answers::

    {"code": "invalid", "message": "Check these fields: email.", "fields": {"email": ["…"]}}

``code`` is stable for programs, ``message`` is for people (in the request's language), and
``fields`` maps a field name to its messages (empty when the error is not about fields).
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

import orjson
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.http import FileResponse, Http404, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import filters as django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, pagination, renderers, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.utils import encoders

from marketplace import cursors
from marketplace.errors import DomainError, RateLimited
from marketplace.outages import Outage, outage_of
from marketplace.storage import download_response

if TYPE_CHECKING:
    # Django's lazy translations as django-stubs types them (an alias for type checking).
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

MULTI_VALUE_FILTERS = (django_filters.MultipleChoiceFilter, django_filters.BaseInFilter)


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

    # Imported here: DRF's views read DRF's settings, which name classes of this module — at
    # import time that would be circular whenever this module is the first to load DRF.
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


def ensure_single_query_values(request: Any, names: Iterable[str]) -> None:
    """Refuse ``?x=1&x=2`` and ``?x=`` for parameters that take exactly one value.

    Without this, filters quietly use one of the values (or none), and a client's mistake
    returns a list that looks right but is not what was asked for.
    """
    errors: dict[str, list[str]] = {}
    for name in names:
        values = request.query_params.getlist(name)
        if len(values) > 1:
            errors[name] = [_("Give this parameter once.")]
        elif values and values[0] == "":
            errors[name] = [_("Give a value or leave the parameter out.")]
    if errors:
        raise exceptions.ValidationError(errors)


class FilterBackend(DjangoFilterBackend):
    """django-filter, refusing repeated or empty values for single-valued filters."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            single = [
                name
                for name, declared in filterset_class.base_filters.items()
                if not isinstance(declared, MULTI_VALUE_FILTERS)
            ]
            ensure_single_query_values(request, single)
        return super().filter_queryset(request, queryset, view)


class ContentNegotiation(DefaultContentNegotiation):
    """DRF ignores an empty ``?format=`` and answers 404 to an unknown one; both are bad input
    the schema forbids, so both are a 400 naming the parameter."""

    def select_renderer(
        self, request: Any, renderers: Iterable[BaseRenderer], format_suffix: Any = None
    ) -> Any:
        name = self.settings.URL_FORMAT_OVERRIDE
        if name and name in request.query_params and not format_suffix:
            value = request.query_params.get(name)
            formats = sorted({renderer.format for renderer in renderers})
            if value not in formats:
                raise exceptions.ValidationError(
                    {name: [_("Must be one of: %(formats)s.") % {"formats": ", ".join(formats)}]}
                )
        return super().select_renderer(request, renderers, format_suffix)


class CursorPagination(pagination.CursorPagination):
    """Cursor pages (``marketplace.cursors``) in DRF's paginator interface: the page size and
    cursor read from the query, refusals as 400s naming the parameter, links as URLs."""

    page_size = 20
    max_page_size = cursors.MAX_PAGE_SIZE
    page_size_query_param = cursors.PAGE_SIZE
    cursor_query_param = cursors.CURSOR
    ordering: str | list[str] | tuple[str, ...] = "-created_at"

    def get_page_size(self, request: Any) -> int:
        ensure_single_query_values(request, [self.page_size_query_param, self.cursor_query_param])
        try:
            return cursors.page_size_from(
                request.query_params.get(self.page_size_query_param),
                default=self.page_size,
                maximum=self.max_page_size,
            )
        except cursors.InvalidPageSize:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Must be a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            ) from None

    def _invalid_cursor(self) -> exceptions.ValidationError:
        # DRF answers a damaged cursor with 404; it is bad input, so say which parameter.
        return exceptions.ValidationError(
            {self.cursor_query_param: [_("Invalid cursor. Start again from the first page.")]}
        )

    def decode_cursor(self, request: Any) -> Any:
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None
        try:
            return cursors.decode_cursor(raw)
        except cursors.InvalidCursor:
            raise self._invalid_cursor() from None

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        # DRF's stubs type self.cursor as DRF's own Cursor; ours is marketplace.cursors'.
        self.cursor = position = self.decode_cursor(request)
        try:
            self.result = cursors.paginate(
                queryset, ordering=self.ordering, page_size=self.page_size, cursor=position
            )
        except cursors.InvalidCursor:
            raise self._invalid_cursor() from None
        self.page = self.result.items
        self.has_next = self.result.next is not None
        self.has_previous = self.result.previous is not None
        self.display_page_controls = self.has_next or self.has_previous
        return self.page

    def _link(self, cursor: cursors.Cursor | None) -> str | None:
        if cursor is None:
            return None
        encoded = cursors.encode_cursor(cursor)
        return cursors.with_query_param(self.base_url or "", cursors.CURSOR, encoded)

    def get_next_link(self) -> str | None:
        return self._link(self.result.next)

    def get_previous_link(self) -> str | None:
        return self._link(self.result.previous)


def paginate(
    view: Any,
    request: Any,
    queryset: Any,
    serializer_class: Any,
    ordering: tuple[str, ...] = ("-created_at", "-id"),
    **context: Any,
) -> Response:
    """One cursor page of ``queryset`` in ``ordering``, serialized with the request in context."""

    def serialize(page: list[Any]) -> Any:
        return serializer_class(page, many=True, context={"request": request, **context}).data

    return paginate_with(view, request, queryset, serialize, ordering)


def paginate_with(
    view: Any,
    request: Any,
    queryset: Any,
    present: Callable[[list[Any]], list[Any]],
    ordering: tuple[str, ...] = ("-created_at", "-id"),
) -> Response:
    """One cursor page of ``queryset`` in ``ordering``, its items made by ``present`` from the
    page: for a list that builds its items from ``values()`` / ``values_list(named=True)`` rows
    instead of through a serializer. Each row must hold the ordering's first field: the cursor
    points at its value."""
    paginator = CursorPagination()
    paginator.ordering = ordering
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(present(page))


# What a JSON value must be for each kind of field. DRF would quietly turn 123 into "123" or
# "12" into 12; the schema promises types, so a value of the wrong type is refused instead.
_JSON_TYPES: list[tuple[type, tuple[type, ...], StrOrPromise]] = [
    (serializers.BooleanField, (bool,), gettext_lazy("Must be true or false.")),
    (serializers.IntegerField, (int,), gettext_lazy("Must be a whole number.")),
    (serializers.FloatField, (int, float), gettext_lazy("Must be a number.")),
    (serializers.DecimalField, (int, float, str), gettext_lazy("Must be a number.")),
    (serializers.CharField, (str,), gettext_lazy("Must be text.")),
    (serializers.ChoiceField, (str, int), gettext_lazy("Must be one of the listed choices.")),
    (serializers.ListField, (list,), gettext_lazy("Must be a list.")),
    (serializers.ManyRelatedField, (list,), gettext_lazy("Must be a list of ids.")),
    (serializers.PrimaryKeyRelatedField, (int,), gettext_lazy("Must be an id (a whole number).")),
    (serializers.DictField, (dict,), gettext_lazy("Must be an object.")),
    (serializers.Serializer, (dict,), gettext_lazy("Must be an object.")),
]


def _json_type_error(field: serializers.Field, value: Any) -> str | None:
    if value is None:
        return None  # DRF's own allow_null check answers this one
    for field_class, allowed, message in _JSON_TYPES:
        if isinstance(field, field_class):
            wrong_bool = isinstance(value, bool) and bool not in allowed
            if wrong_bool or not isinstance(value, allowed):
                return str(message)
            if isinstance(field, serializers.ListField):
                # ["5"] is no more a list of ids than "5" is an id.
                problems = (_json_type_error(field.child, item) for item in cast(list[Any], value))
                return next((p for p in problems if p), None)
            return None
    return None


class StrictFieldsMixin:
    """Rejects unknown or read-only fields, and JSON values of the wrong type.

    A typo such as ``budjet`` must not turn into a request that "worked" with the old value, and
    ``"amount": "150000"`` is not the integer the schema promises. Form submissions (QueryDicts,
    where every value is text) are left to DRF's own conversions.
    """

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            fields = self.fields  # type: ignore[attr-defined]
            is_json = isinstance(data, dict) and not isinstance(data, QueryDict)
            errors: dict[str, list[str]] = {}
            for name in sorted(set(data.keys())):
                field = fields.get(name)
                if field is None:
                    errors[name] = [_("Unknown field. Remove it from the request.")]
                elif field.read_only:
                    errors[name] = [_("This field cannot be changed.")]
                elif is_json and (problem := _json_type_error(field, data[name])):
                    errors[name] = [problem]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    pass


@functools.cache
def _single_valued(serializer_class: type[serializers.Serializer]) -> tuple[str, ...]:
    # Once per class: building a serializer's fields copies every field (a list pays it per
    # request otherwise, issue #9).
    return tuple(
        name
        for name, field in serializer_class().fields.items()
        if not isinstance(field, (serializers.ListField, serializers.MultipleChoiceField))
    )


def validated_query(serializer_class: type[serializers.Serializer], request: Any) -> dict:
    """Validate query parameters with a serializer, refusing repeats of single-valued ones."""
    ensure_single_query_values(request, _single_valued(serializer_class))
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# Values orjson hands back to DRF's encoder, so they come out exactly as DRF writes them: dates
# and times (DRF shortens microseconds to milliseconds and writes UTC as "Z"), and whatever
# orjson does not know (Decimal, lazy translations, querysets).
_DRF_ENCODER = encoders.JSONEncoder()
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer, with orjson doing the encoding: the same bytes — compact, UTF-8,
    DRF's formats, U+2028/U+2029 escaped; only a small float in exponent notation is written
    otherwise, 0.00001 for 1e-05 — about twenty times faster. At 100 gig cards a page
    DRF's encoder was a seventh of the gig list's time (``make bench``). What orjson refuses
    (an integer beyond 64 bits) and an indented answer (``Accept: …; indent=2``) go to DRF's."""

    def render(self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}) is None:
            try:
                body = orjson.dumps(data, default=_DRF_ENCODER.default, option=_ORJSON_OPTIONS)
            except orjson.JSONEncodeError:
                pass
            else:
                # As DRF does: both are valid JSON but end a line in JavaScript source.
                if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
                    body = body.replace(b"\xe2\x80\xa8", b"\\u2028")
                    body = body.replace(b"\xe2\x80\xa9", b"\\u2029")
                return body
        return super().render(data, accepted_media_type, renderer_context)


class BinaryRenderer(renderers.BaseRenderer):
    """Lets a download endpoint accept ``Accept: application/octet-stream``."""

    media_type = "application/octet-stream"
    format = "bin"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None):
        return data


def download(file_field: Any, name: str) -> FileResponse:
    """Serve a stored file as a download, never inline (``marketplace.storage``)."""
    return download_response(file_field, name)


_PAGES: dict[type, type[serializers.Serializer]] = {}


def page_of(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The schema of one cursor page of ``serializer_class`` items (for @extend_schema)."""
    if serializer_class not in _PAGES:
        name = serializer_class.__name__.removesuffix("Serializer")
        _PAGES[serializer_class] = type(
            f"Paginated{name}ListSerializer",
            (serializers.Serializer,),
            {
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": serializer_class(many=True),
            },
        )
    return _PAGES[serializer_class]


class PageQuerySerializer(serializers.Serializer):
    """The query parameters of every cursor-paginated list."""

    cursor = serializers.CharField(required=False, help_text="From the previous page's links.")
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=100, help_text="20 by default, at most 100."
    )


def with_file_list(data: Any, name: str = "files") -> Any:
    """A multipart body as a dict whose ``name`` holds every file sent under that name.

    A QueryDict's ``.get`` keeps only the last of several files; JSON bodies pass unchanged.
    """
    if not hasattr(data, "getlist"):
        return data
    plain = {key: data.get(key) for key in data if key != name}
    if name in data:
        plain[name] = data.getlist(name)
    return plain

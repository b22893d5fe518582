"""Input no handler should ever see: refused with a 400 before it reaches a query.

- A NUL character (U+0000) anywhere a request carries text: the path, a query parameter, a
  cookie, a form field, a JSON string or key. PostgreSQL's text types cannot hold it, so psycopg
  refuses the query with an error that was a 500; SQLite would store it and cut it short later.
  A lone surrogate (``"\\ud800"`` in JSON) cannot be written as UTF-8 at all and fails the same
  way.
- JSON nested deeper than ``MAX_JSON_DEPTH``: no request of ours needs more than a few levels,
  and Python's decoder gives up near a thousand with a RecursionError (a 500 until now).

``RequestGuardMiddleware`` checks the path and query string of every request (a session cookie
holding such a character is dropped: no session has that key), and the form fields of every
page. The API's bodies are checked by its parsers (``JSONParser``, ``MultiPartParser``
below, the only ones the API uses; tests/marketplace/test_request_guard.py checks every view).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

MAX_JSON_DEPTH = 32
# Characters no stored text may hold: NUL, and UTF-16 surrogates on their own.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
API_PREFIX = "/api/"


def unstorable(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None


def _unstorable_message(text: str) -> str:
    # The words Django's and DRF's own text fields use for the same refusal, so a NUL caught
    # here reads like one caught by a serializer or a form (and both are translated).
    found = _UNSTORABLE.search(text)
    if found is None or found.group() == "\x00":
        return str(ProhibitNullCharactersValidator.message)
    message = str(ProhibitSurrogateCharactersValidator.message)
    return message.format(code_point=ord(found.group()))


def _first_unstorable_pair(pairs: Iterable[tuple[str, Iterable[str]]]) -> tuple[str, str] | None:
    """The first (name, offending text) among form or query pairs, or None."""
    for name, values in pairs:
        if unstorable(name):
            return name, name
        for value in values:
            if unstorable(value):
                return name, value
    return None


def json_problem(data: Any) -> tuple[str, str] | None:
    """The first problem in parsed JSON, as (where, message), or None. Walks the document
    without recursion, so no depth can make the walk itself fail."""
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                return where or "non_field_errors", _(
                    "Nested too deeply: at most %(levels)d levels of objects and lists."
                ) % {"levels": MAX_JSON_DEPTH}
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                name = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and unstorable(key):
                    return where or "non_field_errors", _unstorable_message(key)
                stack.append((item, name, depth + 1))
        elif isinstance(value, str) and unstorable(value):
            return where or "non_field_errors", _unstorable_message(value)
    return None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing JSON nested too deeply and text that cannot be stored."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                _("JSON parse error - nested too deeply: at most %(levels)d levels.")
                % {"levels": MAX_JSON_DEPTH}
            ) from None
        problem = json_problem(data)
        if problem is not None:
            where, message = problem
            raise exceptions.ValidationError({where: [message]})
        return data


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser, refusing form fields whose text cannot be stored (file names are
    cleaned by Django: it drops characters that are not printable)."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        result = super().parse(stream, media_type, parser_context)
        found = _first_unstorable_pair(result.data.lists())
        if found is not None:
            name, text = found
            raise exceptions.ValidationError({name: [_unstorable_message(text)]})
        return result


def _refuse(request: HttpRequest, where: str | None, text: str) -> HttpResponse:
    """400: in the API's error shape (``where`` a parameter or field; None for the path), or
    the 400 page — in the request's language (this runs before the locale middleware)."""
    with translation.override(translation.get_language_from_request(request)):
        return _refusal(request, where, text)


def _refusal(request: HttpRequest, where: str | None, text: str) -> HttpResponse:
    if where is None:
        message = _(
            "This address contains a NUL character (U+0000), which no page or object has. "
            "Check the link."
        )
        fields: dict[str, list[str]] = {}
    else:
        message = _unstorable_message(text)
        fields = {where: [message]}
        message = f"{where}: {message}"
    if request.path.startswith(API_PREFIX):
        # The one error shape (marketplace.api.errors.error_body), without importing DRF's views
        # into every request's first middleware.
        return JsonResponse({"code": "invalid", "message": message, "fields": fields}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


class RequestGuardMiddleware:
    """Refuses a request carrying text no database can store (see the module's docstring)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if unstorable(request.path):
            return _refuse(request, None, request.path)
        if request.META.get("QUERY_STRING"):
            found = _first_unstorable_pair(request.GET.lists())
            if found is not None:
                return _refuse(request, *found)
        if unstorable(request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")):
            # Not a key Django ever made; looking it up would fail in the database.
            del request.COOKIES[settings.SESSION_COOKIE_NAME]
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any) -> HttpResponse | None:
        # A page's form (the API's bodies are its parsers' business). The CSRF check reads
        # the same POST data right after this for every page form.
        if request.method != "POST" or request.path.startswith(API_PREFIX):
            return None
        content_type = request.content_type
        if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return None
        found = _first_unstorable_pair(request.POST.lists())
        return _refuse(request, *found) if found is not None else None

"""What the server-rendered pages share: errors as pages, service refusals on forms, cursor
pages for lists.

Pages call the same services and selectors as the API; a rule lives in a service once. A
selector's ``NotFound`` or a service's ``PermissionDenied`` raised from a page becomes the 404
or 403 page (``DomainErrorPagesMiddleware``); a refusal the person can fix (``DomainError``
with field messages) goes back onto the form with what they typed (``add_domain_error``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse

from marketplace import cursors, errors
from marketplace.cursors import CURSOR, MAX_PAGE_SIZE, PAGE_SIZE


class DomainErrorPagesMiddleware:
    """Turns a selector's or service's NotFound / PermissionDenied / RateLimited on a page into
    the 404 / 403 / 429 page. The API has its own handler (marketplace.api.errors); this only
    looks at other paths."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        from marketplace import views

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, errors.NotFound):
            return views.not_found(request, exception)
        if isinstance(exception, errors.PermissionDenied):
            return views.permission_denied(request, exception, message=exception.message)
        if isinstance(exception, errors.PayloadTooLarge | errors.InsufficientStorage):
            return views.domain_error_response(request, exception)
        if isinstance(exception, errors.RateLimited):
            return views.too_many_requests(request, exception)
        return None


def add_domain_error(form: forms.BaseForm, exc: errors.DomainError) -> None:
    """A service's refusal on the form: its message on top, field messages by their fields."""
    form.add_error(None, exc.message)
    for field, messages in (exc.fields or {}).items():
        if field in form.fields and field not in form.errors:
            form.add_error(field, messages)


@dataclass
class CursorPage:
    items: list[Any]
    next_url: str | None
    previous_url: str | None


def cursor_page(
    request: HttpRequest, queryset: Any, ordering: tuple[str, ...], page_size: int = 20
) -> CursorPage:
    """One page of ``queryset`` by cursor, as the API pages it (``marketplace.cursors``: no
    COUNT, stable under inserts; the page size may be asked for with ``page_size``). A damaged
    cursor or page size starts again from the first page instead of failing."""
    base_url = request.build_absolute_uri()
    try:
        page = cursors.paginate(
            queryset,
            ordering=ordering,
            page_size=_page_size(request, page_size),
            cursor=_cursor(request),
        )
    except (cursors.InvalidCursor, cursors.InvalidPageSize):
        _without_cursor(request)
        page = cursors.paginate(queryset, ordering=ordering, page_size=page_size, cursor=None)
    return CursorPage(
        items=page.items,
        next_url=_link(base_url, page.next),
        previous_url=_link(base_url, page.previous),
    )


def _single(request: HttpRequest, name: str) -> str | None:
    values = request.GET.getlist(name)
    if len(values) > 1 or values == [""]:
        raise cursors.InvalidCursor(name)  # as the API refuses it (ensure_single_query_values)
    return values[0] if values else None


def _page_size(request: HttpRequest, default: int) -> int:
    raw = _single(request, PAGE_SIZE)
    return cursors.page_size_from(raw, default=default, maximum=MAX_PAGE_SIZE)


def _cursor(request: HttpRequest) -> cursors.Cursor | None:
    raw = _single(request, CURSOR)
    return None if raw is None else cursors.decode_cursor(raw)


def _link(base_url: str, cursor: cursors.Cursor | None) -> str | None:
    if cursor is None:
        return None
    return cursors.with_query_param(base_url, CURSOR, cursors.encode_cursor(cursor))


def _without_cursor(request: HttpRequest) -> HttpRequest:
    query = request.GET.copy()
    query.pop(CURSOR, None)
    query.pop(PAGE_SIZE, None)
    request.GET = query  # type: ignore[assignment]  # the stubs allow only an immutable one
    return request

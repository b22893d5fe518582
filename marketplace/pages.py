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
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from marketplace import errors


class DomainErrorPagesMiddleware:
    """Turns a selector's or service's NotFound / PermissionDenied / RateLimited on a page into
    the 404 / 403 / 429 page. The API has its own handler (marketplace.api); this only looks at
    other paths."""

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


def add_domain_error(form: forms.Form, exc: errors.DomainError) -> None:
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
    """One page of ``queryset`` by cursor, as the API pages it (no COUNT, stable under inserts).
    A damaged cursor starts again from the first page instead of failing."""
    # Imported here: marketplace.api loads DRF's views, whose settings name marketplace.api;
    # loading it while this middleware module loads (at WSGI start) would be circular.
    from marketplace.api import CursorPagination

    paginator = CursorPagination()
    paginator.ordering = ordering
    paginator.page_size = page_size
    drf_request = Request(request)
    try:
        items = paginator.paginate_queryset(queryset, drf_request)
    except ValidationError:
        drf_request = Request(_without_cursor(request))
        items = paginator.paginate_queryset(queryset, drf_request)
    return CursorPage(
        items=list(items or []),
        next_url=paginator.get_next_link(),
        previous_url=paginator.get_previous_link(),
    )


def _without_cursor(request: HttpRequest) -> HttpRequest:
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("page_size", None)
    request.GET = query  # type: ignore[assignment]  # the stubs allow only an immutable one
    return request

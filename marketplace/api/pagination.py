"""Cursor pages (``marketplace.cursors``) for the API: DRF's paginator, the helpers a list
view calls, and the schema of a page and of its query parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, serializers
from rest_framework.response import Response

from marketplace import cursors
from marketplace.api.query import ensure_single_query_values


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

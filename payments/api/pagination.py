"""The wallet's histories, paged newest first by the cursor the whole API uses."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api.pagination import CursorPagination


def page_response(
    view: APIView, request: Request, queryset: Any, serializer_class: Any
) -> Response:
    paginator = CursorPagination()
    paginator.ordering = ("-created_at", "-id")
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)

"""API views of gigs: browse and your own, create, read, edit, delete, submit, cancel.

Each view validates input, makes one service or selector call and serializes the answer.
Reads are scoped by the selectors (a non-party gets 404); rules live in the services.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

from django.http import QueryDict
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.pagination import page_of, paginate_with
from marketplace.api.query import validated_query
from projects.api.gigs.serializers import (
    GigBrowseQuerySerializer,
    GigCreateSerializer,
    GigListSerializer,
    GigSerializer,
    GigWriteSerializer,
    gig_cards,
)
from projects.policies.gigs import content_flags_shown, rejection_reason_shown
from projects.selectors import gigs as gig_selectors
from projects.services import gigs as gig_services


@functools.lru_cache(maxsize=256)
def _browse_query(params: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, Any]:
    # Remembered per query string: the first pages of browse are most requests, and DRF builds
    # the query serializer's eleven fields anew for each (a tenth of the list's time, issue #9).
    # The answer depends on the parameters alone (no user, no clock); a refusal is not
    # remembered, so it is worded in each request's language.
    query_params = QueryDict(mutable=True)
    for name, values in params:
        query_params.setlist(name, list(values))
    return validated_query(GigBrowseQuerySerializer, SimpleNamespace(query_params=query_params))


def _gig_response(gig: Any, request: Request, status_code: int = 200) -> Response:
    data = GigSerializer(gig, context={"request": request}).data
    data["rejection_reason"] = rejection_reason_shown(gig, request.user)
    data["content_flags"] = content_flags_shown(gig, request.user)
    return Response(data, status=status_code)


@extend_schema(tags=["gigs"])
class GigListCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(parameters=[GigBrowseQuerySerializer], responses=page_of(GigListSerializer))
    def get(self, request: Request) -> Response:
        """Open public gigs with search, filters and sorting; ``mine=true``: your own gigs."""
        # A copy: the remembered answer is shared (its values are not changed below).
        params = tuple((name, tuple(values)) for name, values in request.query_params.lists())
        query = dict(_browse_query(params))
        if query.pop("mine"):
            if not request.user.is_authenticated:
                raise NotAuthenticated()
            rows = gig_selectors.gig_list_owned_rows(user=request.user, status=query.get("status"))
            return paginate_with(self, request, rows, self._cards)
        for key in ("status", "cursor", "page_size"):
            query.pop(key, None)
        rows = gig_selectors.gig_browse_rows(**query)
        return paginate_with(
            self, request, rows, self._cards, ordering=gig_selectors.SORTS[query["sort"]]
        )

    def _cards(self, rows: list[Any]) -> list[dict[str, Any]]:
        # GigListSerializer's output (the schema above), built from rows: see gig_cards.
        skills = gig_selectors.gig_card_skills([row.id for row in rows])
        return gig_cards(rows, skills, self.request.user)

    @extend_schema(request=GigCreateSerializer, responses={201: GigSerializer})
    def post(self, request: SignedInRequest) -> Response:
        serializer = GigCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        gig = gig_services.gig_create(client=request.user, **serializer.validated_data)
        gig = gig_selectors.gig_get(gig_id=gig.pk, user=request.user)
        return _gig_response(gig, request, status.HTTP_201_CREATED)


@extend_schema(tags=["gigs"])
class GigDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=GigSerializer)
    def get(self, request: Request, gig_id: int) -> Response:
        return _gig_response(gig_selectors.gig_get(gig_id=gig_id, user=request.user), request)

    @extend_schema(request=GigWriteSerializer(partial=True), responses=GigSerializer)
    def patch(self, request: SignedInRequest, gig_id: int) -> Response:
        serializer = GigWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        gig_services.gig_update(gig_id=gig_id, actor=request.user, **serializer.validated_data)
        return _gig_response(gig_selectors.gig_get(gig_id=gig_id, user=request.user), request)

    @extend_schema(responses={204: None})
    def delete(self, request: SignedInRequest, gig_id: int) -> Response:
        gig_services.gig_delete(gig_id=gig_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["gigs"], request=None, responses=GigSerializer)
class GigSubmitApi(APIView):
    def post(self, request: SignedInRequest, gig_id: int) -> Response:
        gig_services.gig_submit(gig_id=gig_id, actor=request.user)
        return _gig_response(gig_selectors.gig_get(gig_id=gig_id, user=request.user), request)


@extend_schema(tags=["gigs"], request=None, responses=GigSerializer)
class GigCancelApi(APIView):
    def post(self, request: SignedInRequest, gig_id: int) -> Response:
        gig_services.gig_cancel(gig_id=gig_id, actor=request.user)
        return _gig_response(gig_selectors.gig_get(gig_id=gig_id, user=request.user), request)

"""API views of services (jasa): browse and your own, create, read, edit, and the freelancer's
submit, pause, resume and archive.

Each view validates input, makes one service or selector call and serializes the answer.
Reads are scoped by the selectors (a service others may not see is a 404); rules live in the
services.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.pagination import page_of, paginate
from marketplace.api.query import validated_query
from projects.api.services.serializers import (
    ServiceBrowseQuerySerializer,
    ServiceCreateSerializer,
    ServiceListSerializer,
    ServiceSerializer,
    ServiceWriteSerializer,
    plain,
)
from projects.policies.services import (
    content_flags_shown,
    rejection_reason_shown,
    service_actions,
)
from projects.selectors import services as service_selectors
from projects.services import catalogue


def _service_response(service_id: int, request: Request, status_code: int = 200) -> Response:
    service: Any = service_selectors.service_get(service_id=service_id, user=request.user)
    service.actions = service_actions(service, request.user)
    data = ServiceSerializer(service, context={"request": request}).data
    data["rejection_reason"] = rejection_reason_shown(service, request.user)
    data["content_flags"] = content_flags_shown(service, request.user)
    return Response(data, status=status_code)


@extend_schema(tags=["services"])
class ServiceListCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        parameters=[ServiceBrowseQuerySerializer], responses=page_of(ServiceListSerializer)
    )
    def get(self, request: Request) -> Response:
        """Live services with search, filters and sorting; ``mine=true``: your own services."""
        query = validated_query(ServiceBrowseQuerySerializer, request)
        if query.pop("mine"):
            if not request.user.is_authenticated:
                raise NotAuthenticated()
            services = service_selectors.service_list_owned(
                user=request.user, status=query.get("status")
            )
            return paginate(self, request, services, ServiceListSerializer)
        sort = query.pop("sort")
        for key in ("status", "cursor", "page_size"):
            query.pop(key, None)
        services = service_selectors.service_browse(**query)
        return paginate(
            self, request, services, ServiceListSerializer, ordering=service_selectors.SORTS[sort]
        )

    @extend_schema(request=ServiceCreateSerializer, responses={201: ServiceSerializer})
    def post(self, request: SignedInRequest) -> Response:
        serializer = ServiceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = catalogue.service_create(
            freelancer=request.user, **plain(serializer.validated_data)
        )
        return _service_response(service.pk, request, status.HTTP_201_CREATED)


@extend_schema(tags=["services"])
class ServiceDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=ServiceSerializer)
    def get(self, request: Request, service_id: int) -> Response:
        return _service_response(service_id, request)

    @extend_schema(request=ServiceWriteSerializer(partial=True), responses=ServiceSerializer)
    def patch(self, request: SignedInRequest, service_id: int) -> Response:
        serializer = ServiceWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        catalogue.service_update(
            service_id=service_id, actor=request.user, **plain(serializer.validated_data)
        )
        return _service_response(service_id, request)


@extend_schema(tags=["services"], request=None, responses=ServiceSerializer)
class ServiceSubmitApi(APIView):
    def post(self, request: SignedInRequest, service_id: int) -> Response:
        catalogue.service_submit(service_id=service_id, actor=request.user)
        return _service_response(service_id, request)


@extend_schema(tags=["services"], request=None, responses=ServiceSerializer)
class ServicePauseApi(APIView):
    def post(self, request: SignedInRequest, service_id: int) -> Response:
        catalogue.service_pause(service_id=service_id, actor=request.user)
        return _service_response(service_id, request)


@extend_schema(tags=["services"], request=None, responses=ServiceSerializer)
class ServiceResumeApi(APIView):
    def post(self, request: SignedInRequest, service_id: int) -> Response:
        catalogue.service_resume(service_id=service_id, actor=request.user)
        return _service_response(service_id, request)


@extend_schema(tags=["services"], request=None, responses=ServiceSerializer)
class ServiceArchiveApi(APIView):
    def post(self, request: SignedInRequest, service_id: int) -> Response:
        catalogue.service_archive(service_id=service_id, actor=request.user)
        return _service_response(service_id, request)

"""Infrastructure views: health, and the error pages (JSON under /api/, HTML elsewhere)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace import health
from marketplace.api import error_body
from marketplace.errors import RateLimited

SERVICE_STATUS_CHOICES = [("up", "up"), ("down", "down")]


class SchedulerSerializer(serializers.Serializer):
    last_heartbeat = serializers.DateTimeField(allow_null=True)


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "degraded"])
    database = serializers.ChoiceField(choices=SERVICE_STATUS_CHOICES)
    broker = serializers.ChoiceField(choices=SERVICE_STATUS_CHOICES)
    cache = serializers.ChoiceField(choices=SERVICE_STATUS_CHOICES)
    scheduler = SchedulerSerializer()


def _up(flag: bool) -> str:
    return "up" if flag else "down"


class HealthApi(APIView):
    """For load balancers and the CI smoke run: 200 when the database and broker answer."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: HealthSerializer, 503: HealthSerializer}, tags=["health"])
    def get(self, request: Request) -> Response:
        database, broker = health.database_is_up(), health.broker_is_up()
        body = {
            "status": "ok" if database and broker else "degraded",
            "database": _up(database),
            "broker": _up(broker),
            "cache": _up(health.cache_is_up()),
            "scheduler": {"last_heartbeat": health.scheduler_last_heartbeat()},
        }
        return Response(body, status=200 if database and broker else 503)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


@csrf_exempt  # also the catch-all for unknown /api/ paths, where a POST must get a JSON 404
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        message = _("Not found. Check the address; the API lives under /api/v1/.")
        return JsonResponse(error_body("not_found", message), status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        message = _("Something went wrong on our side. It has been logged; try again later.")
        return JsonResponse(error_body("server_error", message), status=500)
    return render(request, "500.html", status=500)


def permission_denied(
    request: HttpRequest, exception: Exception | None = None, message: str = ""
) -> HttpResponse:
    if _wants_json(request):
        message = _("You do not have permission to do this.")
        return JsonResponse(error_body("permission_denied", message), status=403)
    return render(request, "403.html", {"message": message}, status=403)


def too_many_requests(request: HttpRequest, exception: RateLimited) -> HttpResponse:
    """A page's action refused by a rate limit: say how long to wait, with Retry-After."""
    response = render(
        request, "429.html", {"message": exception.message, "wait": exception.retry_after}
    )
    response.status_code = 429
    response["Retry-After"] = str(exception.retry_after)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if _wants_json(request):
        message = _(
            "CSRF check failed. Browser sessions must send the X-CSRFToken header; "
            "API clients should use a bearer token instead."
        )
        return JsonResponse(error_body("csrf_failed", message), status=403)
    return render(request, "403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            error_body("bad_request", _("The request could not be read.")), status=400
        )
    return render(request, "400.html", status=400)

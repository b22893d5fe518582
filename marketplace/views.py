"""Infrastructure views: health, and the error pages (JSON under /api/, HTML elsewhere)."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace import health
from marketplace.api.errors import error_body, outage_response_body
from marketplace.errors import DomainError, RateLimited
from marketplace.outages import Outage, outage_of

SERVICE_STATUS_CHOICES = [("up", "up"), ("down", "down")]
PROCESS_STATUS_CHOICES = [("up", "up"), ("down", "down"), ("unknown", "unknown")]
PARTS = ["database", "broker", "cache", "scheduler", "worker"]


class SchedulerSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=PROCESS_STATUS_CHOICES,
        help_text="down: beat has not sent its heartbeat for 3 intervals; unknown: cache down.",
    )
    last_sent = serializers.DateTimeField(
        allow_null=True, help_text="When beat last sent the heartbeat task."
    )
    last_heartbeat = serializers.DateTimeField(
        allow_null=True, help_text="When a worker last ran it (beat → broker → worker)."
    )


class WorkerSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=PROCESS_STATUS_CHOICES,
        help_text="down: no worker has written its heartbeat for 3 intervals; unknown: cache down.",
    )
    last_heartbeat = serializers.DateTimeField(
        allow_null=True, help_text="When a consuming worker last wrote its heartbeat."
    )


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "degraded"])
    problems = serializers.ListField(
        child=serializers.ChoiceField(choices=PARTS),
        help_text="The parts that are not up; empty when the status is ok.",
    )
    database = serializers.ChoiceField(choices=SERVICE_STATUS_CHOICES)
    broker = serializers.ChoiceField(choices=SERVICE_STATUS_CHOICES)
    cache = serializers.ChoiceField(choices=SERVICE_STATUS_CHOICES)
    scheduler = SchedulerSerializer()
    worker = WorkerSerializer()


class HealthApi(APIView):
    """For load balancers and monitoring: 503 when this node cannot reach its database or
    broker; 200 otherwise, with ``status: degraded`` and the failing parts in ``problems`` when
    the cache, the scheduler or every worker is down (marketplace/health.py says why)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: HealthSerializer, 503: HealthSerializer}, tags=["health"])
    def get(self, request: Request) -> Response:
        body, status = health.report()
        return Response(body, status=status)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers and crawlers ask for whatever the page links: the static
    icon (its hashed, long-cached name in production), instead of a 404 on every first visit."""
    return redirect(static("garap/favicon.ico"))


@csrf_exempt  # also the catch-all for unknown /api/ paths, where a POST must get a JSON 404
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        message = _("Not found. Check the address; the API lives under /api/v1/.")
        return JsonResponse(error_body("not_found", message), status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, from whichever layer raised it (a view,
    # or a middleware such as the session's): a dependency that is down is a 503, not a 500.
    outage = outage_of(sys.exc_info()[1])
    if outage is not None:
        return service_unavailable(request, outage)
    if _wants_json(request):
        message = _("Something went wrong on our side. It has been logged; try again later.")
        return JsonResponse(error_body("server_error", message), status=500)
    # Without the request's context processors: they read the session and the unread count,
    # which may be what is broken.
    return HttpResponse(render_to_string("500.html"), status=500)


def service_unavailable(request: HttpRequest, outage: Outage) -> HttpResponse:
    """503 with Retry-After: the API's error shape under /api/, a page that needs nothing
    (no database, no session) elsewhere."""
    # In the visitor's language even when a middleware before the locale one failed.
    with translation.override(translation.get_language_from_request(request)):
        if _wants_json(request):
            response: HttpResponse = JsonResponse(outage_response_body(outage), status=503)
        else:
            page = render_to_string(
                "503.html", {"message": outage.message, "retry_after": outage.retry_after}
            )
            response = HttpResponse(page, status=503)
    response["Retry-After"] = str(outage.retry_after)
    return response


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


def domain_error_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    """A refusal raised before any view ran (an upload over its limit or throttle, a full
    disk): the API's JSON error, or a page for the people using the site."""
    if isinstance(error, RateLimited) and not _wants_json(request):
        return too_many_requests(request, error)  # the one page of every rate limit
    retry_after = getattr(error, "retry_after", None)
    if _wants_json(request):
        body = error_body(error.code, error.message, error.fields)
        if retry_after:
            body["retry_after"] = retry_after
        response: HttpResponse = JsonResponse(body, status=error.status_code)
    else:
        heading, advice = _REFUSAL_PAGES.get(error.status_code, _REFUSAL_PAGES[400])
        context = {
            "status": error.status_code,
            "heading": heading,
            "message": error.message,
            "advice": advice,
        }
        response = render(request, "uploads/refused.html", context, status=error.status_code)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


_REFUSAL_PAGES = {
    400: (
        gettext_lazy("Something is wrong with this request"),
        gettext_lazy("Nothing was saved. Go back, check the form and send it again."),
    ),
    413: (
        gettext_lazy("Too much to upload at once"),
        gettext_lazy(
            "Nothing was saved. Go back, choose fewer or smaller files, and send the form again."
        ),
    ),
    507: (
        gettext_lazy("We could not store your files"),
        gettext_lazy(
            "It is our problem, not yours, and it has been logged. Go back and send the form "
            "again in a little while."
        ),
    ),
}


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            error_body("bad_request", _("The request could not be read.")), status=400
        )
    return render(request, "400.html", status=400)

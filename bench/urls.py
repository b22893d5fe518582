from django.urls import include, path
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class HelloApi(APIView):
    """The floor a DRF endpoint cannot go under on this server: no query, a two-key body."""

    permission_classes = [permissions.AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"hello": "world", "ok": True})


urlpatterns = [
    path("bench/hello/", HelloApi.as_view()),
    path("", include("marketplace.urls")),
]

"""Root URLs: the API under /api/v1/, its schema and docs, the admin, the web pages."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from marketplace import pwa, views

api_v1: list[URLPattern | URLResolver] = [
    path("health/", views.HealthApi.as_view(), name="health"),
    path("", include("accounts.urls")),
    path("", include("projects.urls")),
    path("", include("payments.urls")),
]

urlpatterns = [
    # Namespaced ("api:contract-detail"): the pages use the plain names for the same things.
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon, name="favicon"),
    # The installable web app: at the root, where a service worker may control every page.
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("offline/", pwa.offline, name="offline"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("payments.sandbox_urls")),  # only while the sandbox is the gateway
    # Unknown API paths answer in the API's JSON error shape, also with DEBUG on (where Django
    # would otherwise show its HTML debug page instead of handler404).
    re_path(r"^api/", views.not_found),
    # The web pages: the marketplace people use (each app's pages.py modules).
    path("", include("projects.page_urls")),
    path("", include("accounts.page_urls")),
    # Notices on one's phone (push, WhatsApp): /settings/phone/…
    path("", include("accounts.pages.phone_notices")),
    path("", include("payments.page_urls")),
]

# No /media/ route, not even with DEBUG on: every uploaded file is served by a view that knows
# who may see it — portfolio images by the portfolio API, private files (deliveries,
# attachments) by their download views after a permission check (marketplace/storage.py).

handler400 = "marketplace.views.bad_request"
handler403 = "marketplace.views.permission_denied"
handler404 = "marketplace.views.not_found"
handler500 = "marketplace.views.server_error"

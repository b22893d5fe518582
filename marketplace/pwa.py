"""The installable web app: its manifest, its service worker and the page that worker shows
when a page cannot load offline.

The worker is served from the site root (``/sw.js``), not from /static/: a worker controls only
the pages under its own path, and Garap's pages are everywhere. It is rendered from a template
so that the shell it keeps lists the static files' current names (hashed by
``CompressedManifestStaticFilesStorage`` in production): a new release changes those names, so
the worker's bytes, so browsers install the new worker and drop the old shell.
"""

from __future__ import annotations

import hashlib
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

THEME_COLOUR = "#0f766e"  # --brand in garap.css
BACKGROUND_COLOUR = "#f8fafc"  # --bg in garap.css
ICONS = [
    ("garap/icons/icon-192.png", "192x192", "any"),
    ("garap/icons/icon-512.png", "512x512", "any"),
    ("garap/icons/icon-maskable-512.png", "512x512", "maskable"),
]


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """``/manifest.webmanifest``: what a phone needs to install Garap on its home screen."""
    body = {
        "id": "/",
        "name": "Garap",
        "short_name": "Garap",
        "description": _("Micro-projects for small businesses in Indonesia."),
        "lang": get_language(),
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/manifest+json"
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


def shell_urls() -> list[str]:
    """What the worker keeps: the stylesheet, the script, the icons and the offline page."""
    return [
        static("garap/garap.css"),
        static("garap/garap.js"),
        static("garap/favicon.ico"),
        *(static(path) for path, _sizes, _purpose in ICONS),
        reverse("offline"),
    ]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """``/sw.js``: the service worker, for the whole site (``Service-Worker-Allowed: /``)."""
    shell = shell_urls()
    version = hashlib.sha256("\n".join(shell).encode()).hexdigest()[:12]
    script = render_to_string(
        "pwa/sw.js",
        {
            "shell_json": json.dumps(shell),
            "offline_json": json.dumps(reverse("offline")),
            "cache_name_json": json.dumps(f"garap-shell-{version}"),
            "icon_json": json.dumps(static("garap/icons/icon-192.png")),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # Browsers check for a new worker on navigations; never let an HTTP cache answer for it.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """``/offline/``: shown by the worker when a page cannot be loaded. It is kept in the
    browser's cache, so it holds nothing about the person (no menu, no form, no CSRF token)."""
    return render(request, "pwa/offline.html")

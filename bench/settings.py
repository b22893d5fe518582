"""The benchmark's server: production settings, on loopback, plus a bare DRF endpoint.

Production's checks stay (PostgreSQL and Redis are required); only what loopback needs changes:
no HTTPS redirect, a throwaway secret key, the sandbox gateway as on a staging site, and
``bench.urls`` — the marketplace's URLs and ``/bench/hello/``, the hello-world the gig list's
requests per second are compared with.
"""

import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_urlsafe(50))
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# No live gateway on loopback: the sandbox, opted into as a staging site does, with its own secret.
os.environ.setdefault("ALLOW_SANDBOX_GATEWAY", "true")
os.environ.setdefault("SANDBOX_WEBHOOK_SECRET", secrets.token_urlsafe(32))
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
# The probes use Django's test client and request factory, whose host is "testserver".
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

from marketplace.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# `manage.py collectstatic` fills it before the servers start (WhiteNoise's manifest).
STATIC_ROOT = VAR_DIR / "bench" / "static"  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

"""Production: refuses SQLite, a missing secret key and an unsafe payment gateway; passes
``manage.py check --deploy``."""

from django.conf import settings as _django_settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import empty

from payments.checks import gateway_problems

from .base import *  # noqa: F403
from .base import (
    DATABASES,
    MIDDLEWARE,
    REDIS_URL,
    SECRET_KEY,
    STORAGES,
    VAPID_PRIVATE_KEY,
    VAPID_PUBLIC_KEY,
    VAPID_SUBJECT,
    WEB_PUSH_ENABLED,
    WHATSAPP_ENABLED,
    WHATSAPP_PHONE_NUMBER_ID,
    WHATSAPP_TOKEN,
    env,
)

DEBUG = False

if not SECRET_KEY or SECRET_KEY.startswith("garap-") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY to a random string of at least 50 characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured(
        "Production needs PostgreSQL: set DATABASE_URL=postgres://user:password@host:5432/name. "
        "SQLite is for development and the demo only."
    )
if not REDIS_URL:
    raise ImproperlyConfigured(
        "Production needs Redis as the Celery broker and cache: set REDIS_URL=redis://host:6379/0."
    )
# The sandbox gateway (one-click "payments") or a known webhook secret would let anyone credit
# a wallet: the same rule as `check --deploy`, refused before anything starts.
_gateway_problems = gateway_problems(lambda name: globals().get(name))
if _django_settings.configured:
    # Something imported above read django.conf.settings while this module was still loading:
    # Django then configured itself from the half-loaded module, and manage.py's second attempt
    # after a first error would run on it. Forget that configuration and refuse.
    _django_settings._wrapped = empty
    raise ImproperlyConfigured(
        "Django's settings were read while the production settings were loading; "
        "a module imported by marketplace.settings.production must not read them at import."
    )
if _gateway_problems:
    raise ImproperlyConfigured(" ".join(message for _id, message in _gateway_problems))
# Push and WhatsApp are optional; one that is switched on must be complete, or every notice
# would queue deliveries that can only fail.
if WEB_PUSH_ENABLED and not (VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY and VAPID_SUBJECT):
    raise ImproperlyConfigured(
        "WEB_PUSH_ENABLED is on: set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT "
        "(python manage.py generate_vapid_keys makes a pair), or set WEB_PUSH_ENABLED=false."
    )
if WHATSAPP_ENABLED and not (WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID):
    raise ImproperlyConfigured(
        "WHATSAPP_ENABLED is on: set WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID, "
        "or set WHATSAPP_ENABLED=false."
    )

# WhiteNoise serves the collected static files (admin, API docs) right after the security
# middleware; development uses runserver's own static serving instead.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Load balancers probe the health endpoint over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health/$"]

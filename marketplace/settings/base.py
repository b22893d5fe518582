"""Settings shared by every run mode; values come from the environment (see .env.example).

Run modes: ``local`` (the default of manage.py), ``test`` (pytest) and ``production``.
With nothing configured Garap runs on SQLite with Celery on a filesystem broker, so a fresh
machine needs no server. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.

The groups of settings live in sibling modules, gathered here: ``environment`` (paths, the
environment), ``databases`` (database, cache), ``i18n``, ``security`` (sign-in, rates, headers),
``rules`` (money, timers, the marketplace's limits), ``storage`` (static files, uploads), ``api``
(DRF, OpenAPI) and ``worker`` (Celery and its schedule).
"""

from .api import *  # noqa: F403
from .databases import *  # noqa: F403
from .environment import BASE_DIR, VAR_DIR, env  # noqa: F401  (VAR_DIR: for the run modes)
from .gateways import *  # noqa: F403
from .i18n import *  # noqa: F403
from .phone_notices import *  # noqa: F403
from .rules import *  # noqa: F403
from .security import *  # noqa: F403
from .storage import *  # noqa: F403
from .worker import *  # noqa: F403

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin site with the staff's second factor (marketplace.admin_site).
    "marketplace.apps.GarapAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Triggers declared in models' Meta.triggers, installed by migrations (PostgreSQL only).
    "pgtrigger",
    "marketplace",
    "accounts",
    "payments",
    "projects",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # the Content-Security-Policy header (see below)
    # Before anything reads the body (the request guard's form check, the CSRF check): an
    # oversized one is refused unread, and the upload handler learns the view's limits.
    "marketplace.upload_limits.UploadLimitMiddleware",
    # Before anything reads the request: text no database can store is a 400 (NUL, too-deep
    # JSON; marketplace/request_guard.py).
    "marketplace.request_guard.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.signins.DeviceCookieMiddleware",  # a browser's id at its first sign-in
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "marketplace.pages.DomainErrorPagesMiddleware",
]
# The web pages sign people in with a session; the API also takes bearer tokens.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
ASGI_APPLICATION = "marketplace.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.unread_notices",
            ],
            # Numbers, percentages, dates and times are written one way on every page
            # (marketplace.formatting), without each template having to load it.
            "builtins": ["marketplace.templatetags.formatting"],
        },
    },
]

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Garap <no-reply@garap.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[Garap] "  # on mails to the site admins (ADMINS)
ADMINS = [("Garap operations", address) for address in env.list("ADMINS", default=[])]


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
    },
}

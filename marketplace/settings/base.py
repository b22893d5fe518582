"""Settings shared by every run mode; values come from the environment (see .env.example).

Run modes: ``local`` (the default of manage.py), ``test`` (pytest) and ``production``.
With nothing configured Garap runs on SQLite with Celery on a filesystem broker, so a fresh
machine needs no server. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Everything the running marketplace writes by itself (SQLite file, broker queue folders, the
# beat schedule, the file cache, uploads in development) lives under one folder, so a demo or a
# CI smoke run can be pointed at a throw-away directory with GARAP_VAR_DIR.
VAR_DIR = Path(env.str("GARAP_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "marketplace",
    "accounts",
    "payments",
    "projects",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is for development and the embedded demo only; production.py refuses it.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'garap.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait for a lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
else:
    # Django's PostgreSQL backend with timestamps parsed in C (marketplace/postgres/base.py).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "marketplace.postgres"
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "garap",
        }
    }
else:
    # A file cache is shared by the web server and the worker (locmem would not be), which the
    # throttles and the scheduler heartbeat rely on.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.UsernameOrEmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# API tokens expire; a client logs in again to get a new one.
AUTH_TOKEN_TTL_DAYS = env.int("AUTH_TOKEN_TTL_DAYS", default=30)
# Login and sign-up attempts per client address; a burst beyond it gets a 429 that says how
# long to wait.
AUTH_THROTTLE_RATE = env.str("AUTH_THROTTLE_RATE", default="10/min")
# Reports one account may file (moderators read every one; a flood is abuse of its own).
REPORT_THROTTLE_RATE = env.str("REPORT_THROTTLE_RATE", default="30/hour")

# --- Internationalisation -------------------------------------------------------------------
# Stored times are UTC (USE_TZ); they are shown in Jakarta time.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Money ----------------------------------------------------------------------------------
# Whole rupiah everywhere; no fractional currency unit exists in the database.
CURRENCY = "IDR"
# Taken from the freelancer's side at release; may have decimals ("7.5"). See payments.fees.
PLATFORM_FEE_PERCENT = env.str("PLATFORM_FEE_PERCENT", default="10")

# Deposits and withdrawals, whole rupiah.
DEPOSIT_MIN_AMOUNT = env.int("DEPOSIT_MIN_AMOUNT", default=10_000)
DEPOSIT_MAX_AMOUNT = env.int("DEPOSIT_MAX_AMOUNT", default=50_000_000)
WITHDRAWAL_MIN_AMOUNT = env.int("WITHDRAWAL_MIN_AMOUNT", default=50_000)
# Which gateway tops up wallets; "sandbox" is built in and pays on our own checkout page.
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="sandbox")
SANDBOX_WEBHOOK_SECRET = env.str("SANDBOX_WEBHOOK_SECRET", default="garap-sandbox-webhook-secret")
# Where this site is reachable: links in e-mails, gateway return and webhook URLs.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# A submitted milestone is released to the freelancer this long after submission if the client
# neither approves nor asks for a revision.
AUTO_RELEASE_DAYS = env.int("AUTO_RELEASE_DAYS", default=3)

# --- Timers (DESIGN.md §4; projects/services/timers.py) --------------------------------------
# The length of a timer "day" in seconds; the demo sets 60 to watch deadlines pass in minutes.
TIMER_DAY_SECONDS = env.int("TIMER_DAY_SECONDS", default=24 * 3600)
# How often beat runs the sweeps (seconds), and how much one sweep run may do.
# Every minute, or every timer "minute" in a fast demo (at least 5 s).
TIMER_SWEEP_SECONDS = env.float(
    "TIMER_SWEEP_SECONDS", default=max(5.0, min(60.0, TIMER_DAY_SECONDS / 1440))
)
TIMER_BATCH_SIZE = 200
TIMER_MAX_BATCHES = 10
# An open gig expires this long after bidding closed without an award (bidders are told).
AWARD_WINDOW_DAYS = env.int("AWARD_WINDOW_DAYS", default=7)
# A contract nobody funded is reminded after a day and cancelled after this many days.
FUNDING_WINDOW_DAYS = env.int("FUNDING_WINDOW_DAYS", default=3)

# --- Marketplace rules ----------------------------------------------------------------------
# Which new gigs a moderator sees before they go live: "all", "new_clients" (a client's first
# gig and any gig the content filter flags) or "off".
GIG_MODERATION = env.str("GIG_MODERATION", default="new_clients")
GIG_MAX_BUDGET = env.int("GIG_MAX_BUDGET", default=100_000_000)  # rupiah; micro-work, not mega
GIG_MAX_SKILLS = 10
GIG_BIDDING_MIN_HOURS = 24  # the bidding deadline is 1 to 14 days after publishing
GIG_BIDDING_MAX_DAYS = 14
GIG_DELIVERY_MAX_DAYS = 60  # the delivery deadline is at most this long after bidding closes
MILESTONE_MIN_AMOUNT = env.int("MILESTONE_MIN_AMOUNT", default=10_000)  # rupiah
MILESTONES_MAX = 10
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENTS_PER_GIG = 5
ATTACHMENTS_PER_MESSAGE = 5
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=5 * 1024 * 1024)  # portfolio images
IMAGE_MAX_SIDE = 6000  # pixels per side
IMAGE_MAX_PIXELS = 24_000_000  # width × height, checked before any pixel is decoded
# Reviews and reputation (docs/reputation.md).
REVIEW_WINDOW_DAYS = env.int("REVIEW_WINDOW_DAYS", default=14)
REPUTATION_PRIOR_WEIGHT = 5  # imaginary reviews at the platform mean in the Bayesian rating
# Events for one user within this many seconds make one recalculation.
REPUTATION_DEBOUNCE_SECONDS = env.float("REPUTATION_DEBOUNCE_SECONDS", default=30.0)
# Trust and safety (projects/services/reports.py, suspensions.py, contact.py).
# A dispute one side has not answered in the thread for this many timer days is flagged first in
# the moderators' console.
DISPUTE_RESPONSE_DAYS = env.int("DISPUTE_RESPONSE_DAYS", default=3)
# Contact details found in this many things one user wrote within the window (days) raise a
# report on that user automatically; a single slip is only masked and explained.
CONTACT_HITS_BEFORE_REPORT = env.int("CONTACT_HITS_BEFORE_REPORT", default=3)
CONTACT_HITS_WINDOW_DAYS = 30

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The largest request body Django will read into memory (JSON); file uploads stream to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Garap <no-reply@garap.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[Garap] "  # on mails to the site admins (ADMINS)
ADMINS = [("Garap operations", address) for address in env.list("ADMINS", default=[])]

# --- Django REST Framework ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header turns a missing login into 401, not 403.
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["marketplace.api.JSONRenderer"],
    # JSON only; an upload endpoint adds MultiPartParser itself, so a form body sent anywhere
    # else is a clear 415 instead of an empty request that "succeeds".
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.api.CursorPagination",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "marketplace.api.ContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["marketplace.api.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "marketplace.schema.AutoSchema",
    "EXCEPTION_HANDLER": "marketplace.api.exception_handler",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Garap API",
    "DESCRIPTION": (
        "The marketplace for micro-projects. Amounts are whole rupiah (IDR) integers. "
        "Errors share one JSON shape: `code`, `message` and per-field `fields`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The reputation formulas, published where API users look (docs/reputation.md).
    "TAGS": [
        {
            "name": "profiles",
            "description": (BASE_DIR / "docs" / "reputation.md").read_text(encoding="utf-8"),
        }
    ],
    "ENUM_NAME_OVERRIDES": {
        "ServiceStatusEnum": "marketplace.views.SERVICE_STATUS_CHOICES",
        "GigStatusEnum": "projects.models.Gig.Status",
        "BidStatusEnum": "projects.models.Bid.Status",
        "ContractStatusEnum": "projects.models.Contract.Status",
        "MilestoneStatusEnum": "projects.models.Milestone.Status",
        "DepositStatusEnum": "payments.models.Deposit.Status",
        "WithdrawalStatusEnum": "payments.models.Withdrawal.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "marketplace.schema.forbid_unknown_request_fields",
        # The flows as OpenAPI links, which the fuzzer's stateful phase follows.
        "marketplace.schema.add_links",
    ],
}

# --- Celery ---------------------------------------------------------------------------------
# Without REDIS_URL the broker is kombu's filesystem transport: a real worker and a real beat
# scheduler run with no server (eager mode would skip the scheduler entirely).
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than the longest task's hard time limit, or Redis would hand a running task to a
        # second worker. The fault tests shorten it to see a killed worker's task come back.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # Exchange bindings: with the queues, not in the working directory (kombu's default).
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# At-least-once delivery: a message is acknowledged only after its task finished, and a task
# whose worker died is given back to the queue. Tasks are written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often the scheduler proves it is alive (seconds); see marketplace.tasks.heartbeat.
HEARTBEAT_INTERVAL_SECONDS = env.float("HEARTBEAT_INTERVAL_SECONDS", default=30.0)
CELERY_BEAT_SCHEDULE = {
    "scheduler-heartbeat": {
        "task": "marketplace.tasks.heartbeat",
        "schedule": HEARTBEAT_INTERVAL_SECONDS,
        # A heartbeat older than its interval is worthless; never let a backlog pile up.
        "options": {"expires": HEARTBEAT_INTERVAL_SECONDS},
    },
    # The timers of DESIGN.md §4: each sweep finds what is due from the database, so a missed
    # run or a lost message is caught up by the next one. Expired runs are dropped, not queued.
    **{
        name: {
            "task": f"projects.tasks.{name.replace('-', '_')}",
            "schedule": TIMER_SWEEP_SECONDS,
            "options": {"expires": TIMER_SWEEP_SECONDS},
        }
        for name in (
            "sweep-milestone-due-dates",
            "sweep-auto-release",
            "sweep-bidding-deadlines",
            "sweep-unfunded-contracts",
            "sweep-ended-suspensions",
        )
    },
    "redeliver-sandbox-webhooks": {
        "task": "payments.redeliver_sandbox_webhooks",
        "schedule": TIMER_SWEEP_SECONDS,
        "options": {"expires": TIMER_SWEEP_SECONDS},
    },
    "deliver-pending-emails": {
        "task": "accounts.tasks.deliver_pending_emails",
        "schedule": TIMER_SWEEP_SECONDS,
        "options": {"expires": TIMER_SWEEP_SECONDS},
    },
    "audit-ledger": {
        "task": "projects.tasks.audit_ledger",
        "schedule": crontab(hour=3, minute=0),  # nightly, Asia/Jakarta
    },
    "reveal-due-reviews": {
        "task": "projects.tasks.reveal_due_reviews",
        "schedule": TIMER_SWEEP_SECONDS,
    },
    "sweep-reputation-events": {
        "task": "projects.tasks.sweep_reputation_events",
        "schedule": 600.0,
    },
    "nightly-reputation": {
        "task": "projects.tasks.recalculate_all_reputation",
        "schedule": crontab(hour=2, minute=30),  # Asia/Jakarta, the quietest hour
    },
}

# --- Security defaults that hold in every mode ----------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the pages' small scripts read it for fetch() calls
CSRF_FAILURE_VIEW = "marketplace.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

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

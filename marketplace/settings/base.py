"""Settings shared by every run mode; values come from the environment (see .env.example).

Run modes: ``local`` (the default of manage.py), ``test`` (pytest) and ``production``.
With nothing configured Garap runs on SQLite with Celery on a filesystem broker, so a fresh
machine needs no server. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp import constants as csp
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
    # Seconds to wait for a new connection: a database that cannot be reached answers 503 at
    # once (marketplace.outages) instead of holding the request until TCP gives up.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
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
# How many proxies of ours (load balancer, nginx) stand in front of the web processes: each
# appends the address it received the request from to X-Forwarded-For, so the client is that
# many entries from the right. 0: no proxy, the header is ignored (a client could write
# anything in it) and the socket's address is the client. See marketplace.ratelimit.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# Per account (the username or e-mail tried, whether or not it exists): after this many wrong
# passwords in a row, each next attempt waits 1 s, 2 s, 4 s, … up to LOGIN_DELAY_MAX_SECONDS.
# Attempts made while waiting are refused without checking the password and do not lengthen
# the wait, so an attacker can slow a victim's login by at most the cap; a successful login
# clears the count, and it is forgotten after LOGIN_FAILURE_WINDOW_SECONDS without a failure.
LOGIN_FAILURES_BEFORE_DELAY = env.int("LOGIN_FAILURES_BEFORE_DELAY", default=5)
LOGIN_DELAY_MAX_SECONDS = env.int("LOGIN_DELAY_MAX_SECONDS", default=300)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=24 * 3600)
# Password-reset and verification e-mails, per e-mail address and per account.
ACCOUNT_EMAIL_RATE = env.str("ACCOUNT_EMAIL_RATE", default="3/hour")
# Sign-ups refused because the e-mail address has an account, per client address: beyond it
# every sign-up from that address is a 429, so sign-up cannot be used to test a list of
# addresses (the owner is told by e-mail that someone tried).
SIGNUP_TAKEN_EMAIL_RATE = env.str("SIGNUP_TAKEN_EMAIL_RATE", default="5/hour")
# Live API tokens one user may hold; logging in again past it revokes the oldest.
AUTH_TOKENS_PER_USER = env.int("AUTH_TOKENS_PER_USER", default=10)
# Per-account rates of what a person can flood others (or the gateway) with.
MESSAGE_RATE = env.str("MESSAGE_RATE", default="20/min")
INVITATION_RATE = env.str("INVITATION_RATE", default="30/hour")
DEPOSIT_RATE = env.str("DEPOSIT_RATE", default="10/hour")
# Staff must verify a second factor (TOTP) to use the admin. Staff who enrolled a device are
# always asked for it; this refuses staff without one. Off in local/demo settings.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "Garap"

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
# Which gateway tops up wallets. "sandbox" is built in and "pays" with one click on our own
# checkout page: for development, the demo and staging. Its routes exist only while it is the
# gateway; production refuses it unless a staging site sets ALLOW_SANDBOX_GATEWAY=true, and
# then only with its own SANDBOX_WEBHOOK_SECRET (payments/checks.py).
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="sandbox")
ALLOW_SANDBOX_GATEWAY = env.bool("ALLOW_SANDBOX_GATEWAY", default=False)
# Public, so good only where no real money is: production and `check --deploy` refuse it.
DEVELOPMENT_WEBHOOK_SECRET = "garap-sandbox-webhook-secret"  # noqa: S105
SANDBOX_WEBHOOK_SECRET = env.str("SANDBOX_WEBHOOK_SECRET", default=DEVELOPMENT_WEBHOOK_SECRET)
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
# The longest a sweep waits for a lock its row's transaction needs (seconds; PostgreSQL): past it
# the row is left for the next run, so a lock held elsewhere never stalls a worker
# (marketplace/locking.py). The row itself is skipped at once when locked (skip_locked).
TIMER_LOCK_TIMEOUT_SECONDS = env.float("TIMER_LOCK_TIMEOUT_SECONDS", default=2.0)
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
# An upload may be at most 4096 px a side and 16 MP: a phone's 12 MP photo (4032 × 3024) fits
# as it comes; decoding costs CPU in proportion to the pixels, and a portfolio shows nothing
# larger than IMAGE_STORED_MAX_SIDE anyway. Checked from the header, before any decoding.
IMAGE_MAX_SIDE = 4096  # pixels per side
IMAGE_MAX_PIXELS = 16_000_000  # width × height
# What is stored and shown: at most this many pixels a side (2× a wide portfolio column, for
# dense screens). Larger uploads are scaled down by the worker that re-encodes them.
IMAGE_STORED_MAX_SIDE = 2048
# Uploads (images, attachments, message and delivery files) one account may send; a 429 with
# Retry-After beyond it. Each image costs a worker up to a second of CPU to re-encode.
UPLOAD_THROTTLE_RATE = env.str("UPLOAD_THROTTLE_RATE", default="120/hour")
# An image still processing this long after its upload is handed to a worker again (its task
# was lost: a broker outage at commit, a worker killed mid-task).
IMAGE_PROCESSING_RETRY_SECONDS = 300
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
# Public uploads only (re-encoded portfolio images): anything here may be served by URL.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Private uploads (deliveries, message and gig attachments, images awaiting cleaning): outside
# MEDIA_ROOT on purpose, served only by permission-checked views (marketplace/storage.py).
# Never point a web server at it.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "marketplace.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The largest request body Django will read into memory (JSON); file uploads stream to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The largest body of a request to anything but an upload endpoint; larger is a 413, refused
# before it is read. Upload endpoints take their files' limits (marketplace/upload_limits.py).
REQUEST_MAX_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE
# The first handler stops reading a multipart body at its endpoint's limits; the last answers
# a full temporary folder with a 507. Files up to FILE_UPLOAD_MAX_MEMORY_SIZE stay in memory.
FILE_UPLOAD_HANDLERS = [
    "marketplace.upload_limits.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "marketplace.upload_limits.TemporaryFileUploadHandler",
]

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
    "DEFAULT_RENDERER_CLASSES": ["marketplace.api.renderers.JSONRenderer"],
    # JSON only; an upload endpoint adds MultiPartParser itself, so a form body sent anywhere
    # else is a clear 415 instead of an empty request that "succeeds".
    "DEFAULT_PARSER_CLASSES": ["marketplace.request_guard.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.api.pagination.CursorPagination",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "marketplace.api.renderers.ContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["marketplace.api.query.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "marketplace.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "marketplace.api.errors.exception_handler",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
    # DRF's own reading of X-Forwarded-For, kept equal to ours (marketplace.ratelimit).
    "NUM_PROXIES": NUM_PROXIES,
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
        "ProcessStatusEnum": "marketplace.views.PROCESS_STATUS_CHOICES",
        "HealthPartEnum": "marketplace.views.PARTS",
        "GigStatusEnum": "projects.models.Gig.Status",
        "BidStatusEnum": "projects.models.Bid.Status",
        "ContractStatusEnum": "projects.models.Contract.Status",
        "MilestoneStatusEnum": "projects.models.Milestone.Status",
        "DepositStatusEnum": "payments.models.Deposit.Status",
        "WithdrawalStatusEnum": "payments.models.Withdrawal.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "marketplace.api.schema.forbid_unknown_request_fields",
        # The flows as OpenAPI links, which the fuzzer's stateful phase follows.
        "marketplace.api.schema.add_links",
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
    if REDIS_URL.partition("://")[0] in ("redis", "rediss"):
        # kombu's Redis transport with the correction that keeps a worker alive when Redis goes
        # away while it holds unacknowledged messages (marketplace/broker.py says why).
        CELERY_BROKER_TRANSPORT = "marketplace.broker:Transport"
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
    "sweep-processing-images": {
        "task": "accounts.tasks.sweep_processing_images",
        "schedule": float(IMAGE_PROCESSING_RETRY_SECONDS),
        "options": {"expires": float(IMAGE_PROCESSING_RETRY_SECONDS)},
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
    "sweep-trust-checks": {
        "task": "projects.tasks.sweep_trust_checks",
        "schedule": crontab(hour=2, minute=0),  # before the nightly reputation pass
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
# Content-Security-Policy (django-csp) on every response: scripts, styles, images and fonts only
# from this site, so injected markup cannot run a script. The pages' scripts are static files
# (marketplace/static/garap/garap.js); data for them is in <script type="application/json">
# blocks, which never run. A template that truly needs an inline script gives it
# nonce="{{ request.csp_nonce }}"; 'unsafe-inline' is never allowed for scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.NONCE],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
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

# Xendit --------------------------------------------------------------------------------------
# PAYMENT_GATEWAY=xendit takes deposits through Xendit invoices and pays withdrawals out through
# its payouts (payments/gateways/xendit.py). The secret API key and the webhook verification
# token come from Xendit's dashboard, through the environment only; empty, the deploy checks
# say what is missing. XENDIT_BASE_URL is empty for Xendit itself (the client's
# https://api.xendit.co); the tests point it at their local fake.
XENDIT_SECRET_KEY = env.str("XENDIT_SECRET_KEY", default="")
XENDIT_CALLBACK_TOKEN = env.str("XENDIT_CALLBACK_TOKEN", default="")
XENDIT_BASE_URL = env.str("XENDIT_BASE_URL", default="")
# The whole time one call to Xendit may take before the payer (or the webhook) is told to try
# again: a checkout waits for it, so it stays short.
XENDIT_TIMEOUT_SECONDS = env.float("XENDIT_TIMEOUT_SECONDS", default=10.0)
# How long an unpaid invoice (and its virtual account numbers) stays payable.
XENDIT_INVOICE_DURATION_SECONDS = env.int("XENDIT_INVOICE_DURATION_SECONDS", default=24 * 3600)

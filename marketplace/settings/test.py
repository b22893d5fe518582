"""pytest: SQLite by default, PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL, env

SECRET_KEY = "garap-tests-only-not-a-secret"  # noqa: S105
if not env.str("DATABASE_URL", default=""):
    # pytest-django tests SQLite in memory; this keeps other commands run with the test
    # settings (the migration check) from touching a file in var/.
    DATABASES["default"]["NAME"] = ":memory:"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "marketplace.storage.PrivateInMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# pytest-xdist runs the suite in several processes (gw0, gw1, …). pytest-django gives each its
# own test database; Redis is shared, and the tests clear the cache (FLUSHDB) between tests, so
# each process gets its own Redis database too: the given number, then the ones below it.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _XDIST_WORKER.startswith("gw"):
    _base, _, _db = REDIS_URL.rstrip("/").rpartition("/")
    if _db.isdigit() and "://" in _base:
        REDIS_URL = f"{_base}/{(int(_db) - int(_XDIST_WORKER[2:])) % 16}"
    CELERY_BROKER_URL = REDIS_URL

if REDIS_URL:
    # Tests against the real Redis keep to their own key prefix and are cleared between tests.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "garap-test",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Unit tests run task bodies in-process when their transaction commits; tests that need the
# real worker and scheduler start one (tests/marketplace/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
AUTH_THROTTLE_RATE = "1000/min"
REPORT_THROTTLE_RATE = "1000/min"
UPLOAD_THROTTLE_RATE = "1000/min"
# Tests of the limits set their own rates; every other test is far below these.
MESSAGE_RATE = "1000/min"
INVITATION_RATE = "1000/min"
DEPOSIT_RATE = "1000/min"
# The concurrency tests give each of their many threads a token of the same user.
AUTH_TOKENS_PER_USER = 1000
STAFF_REQUIRE_2FA = False

"""A dependency that is down is a 503 with ``Retry-After``, not a 500.

The database, the cache or the broker failing is not a bug of ours and says nothing about the
request: the client should come back shortly, and load balancers and API clients understand
503 + ``Retry-After`` as exactly that. ``outage_of`` recognises such errors wherever they come
from — a view, a DRF authenticator, the session or auth middleware, a template — and the two
places that turn exceptions into answers use it: the API's exception handler
(``marketplace.api.errors``) and Django's 500 handler (``marketplace.views.server_error``).

Recovery needs no restart: with ``CONN_HEALTH_CHECKS`` Django drops a broken database connection
at the next request and connects afresh; the Redis client reconnects by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import InterfaceError, OperationalError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marketplace.transactions import lost_race


@dataclass(frozen=True)
class Outage:
    """What to tell the client: when to try again, and why (for a person)."""

    retry_after: int  # seconds
    message: str | Promise


DATABASE = Outage(
    retry_after=30,
    message=_(
        "Garap is briefly unavailable: our database is not answering. Please try again in a minute."
    ),
)
BUSY = Outage(
    retry_after=1,
    message=_("Many changes to the same thing arrived at once. Please try again in a moment."),
)
SERVICE = Outage(
    retry_after=30,
    message=_(
        "Garap is briefly unavailable: one of our services is not answering. "
        "Please try again in a minute."
    ),
)


class Unavailable(Exception):
    """An outside service Garap relies on (a payment gateway) did not answer in time, or answered
    with a server error: a 503 with the subclass's ``outage`` — what a person can do about it."""

    outage = SERVICE


def _cache_and_broker_errors() -> tuple[type[BaseException], ...]:
    # Redis (the cache and the broker in production) and kombu (any broker) are optional at
    # import time: the embedded default runs without a Redis client in the request path.
    errors: list[type[BaseException]] = []
    try:
        import redis.exceptions

        errors += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    except ImportError:  # pragma: no cover - redis is in requirements.txt
        pass
    try:
        import kombu.exceptions

        errors.append(kombu.exceptions.OperationalError)
    except ImportError:  # pragma: no cover - celery brings kombu
        pass
    return tuple(errors)


_SERVICE_ERRORS = _cache_and_broker_errors()


# PostgreSQL's SQLSTATEs of a server that cannot serve now — connection exceptions (08),
# insufficient resources such as too many connections (53), operator intervention such as a
# shutdown or a cancelled statement (57), system errors (58) — and a lock timeout (55P03).
# Other OperationalErrors are about the statement, and a bug in a statement stays a 500.
_OUTAGE_SQLSTATE_CLASSES = ("08", "53", "57", "58")
_OUTAGE_SQLSTATES = frozenset({"55P03"})
# SQLite's equivalents: a file that cannot be opened, read or written now, or stays locked.
_SQLITE_OUTAGES = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL")


def _database_down(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):  # the connection is gone
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    sqlite_name = getattr(cause, "sqlite_errorname", None)
    if sqlite_name is not None:
        return sqlite_name.startswith(_SQLITE_OUTAGES)
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate is None:
        return True  # no answer from the server at all: refused, reset, closed
    return sqlstate[:2] in _OUTAGE_SQLSTATE_CLASSES or sqlstate in _OUTAGE_SQLSTATES


def outage_of(exc: BaseException | None) -> Outage | None:
    """The outage ``exc`` means, or None when it is not one (a bug stays a 500)."""
    if exc is None:
        return None
    if lost_race(exc):  # a deadlock retried until the tries ran out (marketplace.transactions)
        return BUSY
    if _database_down(exc):
        return DATABASE
    if isinstance(exc, Unavailable):
        return exc.outage
    if isinstance(exc, _SERVICE_ERRORS):
        return SERVICE
    return None

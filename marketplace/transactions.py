"""Service transactions that survive losing a race: a deadlock or a serialization failure is
retried a few times instead of becoming an error.

PostgreSQL breaks a deadlock by aborting one of the transactions in it (SQLSTATE ``40P01``), and a
serializable transaction that lost a race is aborted the same way (``40001``). Neither says the
request was wrong: the whole transaction, run again from the start, normally succeeds. Only the
outermost transaction can be run again — inside an outer one, the locks taken before the failure
are still held — so a nested call is a plain ``atomic`` and the error goes up to whichever
transaction began outermost, which retries. When the tries are used up the error is raised and
the web tier answers 503 with ``Retry-After`` (marketplace.outages).

Row locks, which is what deadlocks are made of, follow one rule everywhere
(tests/marketplace/test_transactions.py checks every ``select_for_update`` for it):

- ``of=("self",)``: only the rows of the model queried, never the rows ``select_related``
  joins in (a joined user row locked by accident is locked in an order nobody chose);
- ``no_key=True``: ``FOR NO KEY UPDATE``, the lock an ``UPDATE`` takes. A plain ``FOR UPDATE``
  also blocks every insert that merely *references* the row (the foreign key check takes
  ``FOR KEY SHARE``), so locking a user would make a notice to that user wait;
- one order: users, then gigs, then bids, then contracts, then milestones and disputes, then
  ledger accounts; rows of one kind in primary-key order.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection, transaction

from marketplace.storage import files_removed_on_failure

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# serialization_failure, deadlock_detected: the transaction lost a race and may simply be rerun.
LOST_RACE_SQLSTATES = frozenset({"40001", "40P01"})
ATTEMPTS = 3
# Each retry waits a random time up to this, doubled per attempt, so the two transactions of a
# deadlock do not meet again in step.
BACKOFF_SECONDS = 0.05


def lost_race(exc: BaseException) -> bool:
    """True when ``exc`` is PostgreSQL aborting a transaction for a deadlock or a serialization
    failure (Django wraps the driver's error; its SQLSTATE says which)."""
    if not isinstance(exc, OperationalError):
        return False
    return getattr(exc.__cause__, "sqlstate", None) in LOST_RACE_SQLSTATES


def run_atomic(func: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """Run ``func`` in a transaction; if it is the outermost one and loses a race, run it again
    (up to ``attempts`` times in all). Everything ``func`` did in the database is rolled back
    before each retry, and ``on_commit`` callbacks of a failed try are dropped with it."""
    if connection.in_atomic_block:
        # Nested: the outermost transaction owns the retry.
        with transaction.atomic():
            return func()
    for attempt in range(1, attempts + 1):
        try:
            # A try that fails takes the files it stored with it (the next try stores its own).
            with files_removed_on_failure(), transaction.atomic():
                return func()
        except OperationalError as exc:
            if not lost_race(exc) or attempt == attempts:
                raise
            logger.warning(
                "Transaction lost a race (%s), try %d of %d: %s",
                getattr(exc.__cause__, "sqlstate", "?"),
                attempt,
                attempts,
                str(exc).splitlines()[0],
            )
            time.sleep(random.uniform(0, BACKOFF_SECONDS * 2**attempt))  # noqa: S311 - jitter
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def atomic_with_retry(func: Callable[P, T]) -> Callable[P, T]:
    """``@transaction.atomic`` for services: the same transaction, retried when it loses a
    deadlock or serialization race (``run_atomic``)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_atomic(lambda: func(*args, **kwargs))

    return wrapper

"""Bounded lock waits for background work.

A periodic sweep must never sit behind a row lock that a person's request, an admin's edit or a
stuck transaction holds: while it waits, the worker process running it runs nothing else, and
messages queued behind it (heartbeats, e-mails, webhooks) expire. Sweeps take their first lock
with ``skip_locked``; every further lock their transaction needs (a parent row, a gig, a ledger
account, a unique index entry) is waited for at most a short while — ``bounded_lock_wait`` —
after which the row's transaction is rolled back and the row left for the next run, which finds
it again from the database.

PostgreSQL only: SQLite (development, tests) has one lock for the whole database and its own
busy timeout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction

# PostgreSQL's SQLSTATE for "could not obtain lock" (lock_timeout reached, or NOWAIT).
LOCK_NOT_AVAILABLE = "55P03"


class LockWaitTimeout(Exception):
    """A lock was not granted within the transaction's lock wait limit; nothing was written."""


def _is_lock_timeout(exc: OperationalError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE


@contextmanager
def bounded_lock_wait(seconds: float) -> Iterator[None]:
    """A transaction (or savepoint) in which no lock is waited for longer than ``seconds``.

    Raises ``LockWaitTimeout`` when one was, after rolling the block back. The limit applies to
    this block only: an enclosing transaction gets its own limit back afterwards.
    """
    nested = connection.in_atomic_block
    try:
        with transaction.atomic():
            previous = None
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # set_config(…, true) is SET LOCAL: it ends with the transaction, and a
                    # rolled-back savepoint takes it back.
                    cursor.execute(
                        "SELECT current_setting('lock_timeout'),"
                        " set_config('lock_timeout', %s, true)",
                        [f"{max(1, round(seconds * 1000))}ms"],
                    )
                    previous = cursor.fetchone()[0]
            yield
            if nested and previous is not None:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    except OperationalError as exc:
        if _is_lock_timeout(exc):
            raise LockWaitTimeout(str(exc)) from exc
        raise

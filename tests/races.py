"""Real concurrency for PostgreSQL tests: calls run in threads released at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection
from django.db.models import Model
from psycopg import sql


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; each result, or the exception it raised
    (the test client re-raises a view's unhandled exception: that is our 500). Each thread has
    its own database connection, closed when it is done."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = calls[index]()
        except Exception as exc:  # handed to the test, which fails on it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return results


@contextmanager
def row_lock(instance: Model) -> Iterator[psycopg.Connection]:
    """``SELECT … FOR UPDATE`` on the instance's row, in a transaction of a connection of the
    test's own, held until the block ends (or ``rollback()``).

    The block's end rolls back before closing: the server answers a ROLLBACK only once the locks
    are gone, whereas a closed connection's backend may still hold them for a moment — long
    enough, on a loaded machine, for the test's next sweep to find the row still locked."""
    db = settings.DATABASES["default"]
    holder = psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
    )
    with closing(holder):
        holder.execute(
            sql.SQL("SELECT id FROM {} WHERE id = %s FOR UPDATE").format(
                sql.Identifier(instance._meta.db_table)
            ),
            [instance.pk],
        )
        try:
            yield holder
        finally:
            holder.rollback()


def within(seconds: float, call: Callable[[], Any], *, unblock: Callable[[], None]) -> Any:
    """``call()``'s result, run in a thread of its own (with its own connection); if it is
    still running after ``seconds`` — waiting on a lock — ``unblock()`` lets it finish and the
    test fails."""
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(call())
        except Exception as exc:  # handed to the assertion below
            result.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=seconds)
    stuck = thread.is_alive()
    if stuck:
        unblock()
        thread.join(timeout=60)
    assert not stuck, f"still waiting after {seconds} s"
    assert not isinstance(result[0], Exception), repr(result[0])
    return result[0]

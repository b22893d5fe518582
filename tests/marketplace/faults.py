"""Faults injected into this process's database connection, for tests on any database.

``database_down`` makes every query fail with the error the driver really raises for a database
it cannot reach (a refused connection on PostgreSQL, a file that cannot be opened on SQLite),
wrapped as Django wraps it. It is this connection's view of an outage; the tests that stop a
real server are in tests/marketplace/test_outages_postgres.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import OperationalError, connection


def driver_connection_error() -> Exception:
    """The driver's own error for a database that cannot be reached."""
    if connection.vendor == "postgresql":
        import psycopg

        try:
            psycopg.connect("host=127.0.0.1 port=1 dbname=garap connect_timeout=2").close()
        except psycopg.OperationalError as exc:
            return exc
    else:
        try:
            sqlite3.connect("file:/nonexistent/garap.sqlite3?mode=ro", uri=True).close()
        except sqlite3.OperationalError as exc:
            return exc
    raise AssertionError("the unreachable database answered")


@contextmanager
def database_down(*, after: str | None = None) -> Iterator[None]:
    """Every query fails while the block runs — or, with ``after``, every query once a
    statement containing ``after`` has run (the database dies in the middle of a request).
    Needs ``django_db(transaction=True)``: an outer test transaction could not roll back."""
    cause = driver_connection_error()
    down = after is None

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal down
        if down:
            raise OperationalError(str(cause)) from cause
        result = execute(sql, params, many, context)
        if after is not None and after in sql:
            down = True
        return result

    with connection.execute_wrapper(wrapper):
        yield

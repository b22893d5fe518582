"""Django's PostgreSQL backend, reading ``timestamptz`` values with psycopg's C parser.

Django 5.2 on psycopg 3 loads every ``timestamptz`` through a subclass of psycopg's
pure-Python loader (to stamp values with the connection's time zone), even when psycopg's C
extension is installed: about 2.5 µs per value against 0.2 µs (Django ticket #36960, psycopg
#1273). A gig card carries three timestamps, so at 100 cards a page the parsing alone cost a
quarter of the gig list's time in Python (bench/, ``make bench``). This loader keeps Django's
behaviour — the value in the connection's time zone, with Django's ``tzinfo`` — and parses in C.

``DATABASE_URL=postgres://…`` selects this engine (marketplace/settings/databases.py).
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg.pq import Format

_TIMESTAMPTZ = psycopg.adapters.types["timestamptz"].oid
# psycopg's global adapters map hands out its C loader when psycopg[binary] is installed, and
# its Python one otherwise: then this engine is as fast as Django's, and as correct.
_PARSER = psycopg.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        zone = self.timezone

        class TimestamptzLoader(BaseTzLoader):
            # Django's create_cursor() compares this with the connection's time zone to decide
            # whether to register its own loader on the cursor: equal, it keeps this one.
            timezone = zone

            def __init__(self, oid: int, context: Any = None) -> None:
                super().__init__(oid, context)
                # psycopg always has a text loader for timestamptz: never None.
                self._parse = _PARSER(oid, context).load  # type: ignore[misc]

            def load(self, data: Any) -> Any:
                return self._parse(data).replace(tzinfo=self.timezone)

        connection.adapters.register_loader("timestamptz", TimestamptzLoader)
        return connection

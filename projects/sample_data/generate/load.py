"""Writing generated rows fast: COPY on PostgreSQL, ``executemany`` on SQLite.

Rows are tuples in a fixed column order; each table buffers them and the loader writes every
table's buffer, in foreign-key order, when enough rows are waiting. Ids are assigned here (from
the table's current maximum), so the generator can refer to rows it has not written yet; the
sequences are moved past them at the end. Nothing is dropped or disabled: constraints, indexes
and triggers (the gig search vector, the ledger's append-only rule) all see every row.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

# Columns the database fills itself: the gig's search vector, by trigger (``Gig.Meta.triggers``).
DATABASE_FILLED = {"search_vector"}


class Table:
    """One table's buffer: ``add`` rows of ``columns``; the other columns get their defaults."""

    def __init__(self, loader: Loader, model: type[models.Model], columns: list[str]) -> None:
        self.loader = loader
        self.model = model
        self.name = model._meta.db_table
        supplied = set(columns)
        tail_columns: list[str] = []
        tail: list[Any] = []
        for field in model._meta.concrete_fields:
            if field.column in supplied or field.column in DATABASE_FILLED or field.generated:
                continue  # (a generated column, as the directory's rank, is computed on insert)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                raise ImproperlyConfigured(f"{self.name}.{field.column}: the generator sets times")
            default = field.get_default()
            if default is None:
                if field.null:
                    continue  # left out of the COPY: NULL
                raise ImproperlyConfigured(f"{self.name}.{field.column} needs a generated value")
            tail_columns.append(cast(str, field.column))  # a concrete field has its column
            tail.append(json.dumps(default) if isinstance(field, models.JSONField) else default)
        self.columns = [*columns, *tail_columns]
        self.tail = tuple(tail)
        self.rows: list[tuple] = []
        self.count = 0
        self.seconds = 0.0  # spent writing this table's rows
        self.next_id = 1

    def new_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    def add(self, row: tuple) -> None:
        self.rows.append(row + self.tail if self.tail else row)
        self.loader.pending += 1

    def take(self) -> list[tuple]:
        rows, self.rows = self.rows, []
        self.count += len(rows)
        return rows

    def write(self, rows: list[tuple]) -> None:
        columns = ", ".join(f'"{c}"' for c in self.columns)
        if self.loader.pg:
            sql = f'COPY "{self.name}" ({columns}) FROM STDIN'
            with self.loader.raw.cursor() as cursor, cursor.copy(sql) as copy:
                write = copy.write_row
                for row in rows:
                    write(row)
        else:
            marks = ", ".join("?" * len(self.columns))
            self.loader.raw.executemany(
                f'INSERT INTO "{self.name}" ({columns}) VALUES ({marks})',  # noqa: S608 - our names
                rows,
            )


class Loader:
    """The tables of one run, written in the order they were declared (foreign-key order).

    On PostgreSQL a writer thread sends the batches while the generator makes the next ones:
    the server's work (constraints, indexes, the search trigger) overlaps Python's. It is the
    only user of the connection until ``wait`` returns.
    """

    def __init__(self, connection: BaseDatabaseWrapper, batch_rows: int = 50_000) -> None:
        connection.ensure_connection()
        self.connection = connection
        self.pg = connection.vendor == "postgresql"
        self.raw = connection.connection  # the driver's connection, in Django's transaction
        self.tables: list[Table] = []
        self.pending = 0
        self.batch_rows = batch_rows
        self.batches: queue.Queue[list[tuple[Table, list[tuple]]] | None] = queue.Queue(maxsize=2)
        self.failure: BaseException | None = None
        self.writer: threading.Thread | None = None
        if self.pg:
            # Foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at commit, the queue of
            # checks would hold every row of the run. Checked per COPY instead, which the
            # declaration order (parents first) allows.
            with self.raw.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def table(self, model: type[models.Model], columns: list[str]) -> Table:
        table = Table(self, model, columns)
        with self.connection.cursor() as cursor:
            cursor.execute(f'SELECT MAX(id) FROM "{table.name}"')  # noqa: S608 - our names
            table.next_id = (cursor.fetchone()[0] or 0) + 1
        self.tables.append(table)
        return table

    def maybe_flush(self) -> None:
        if self.pending >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        """Hand every buffered row to the database (in the background on PostgreSQL)."""
        batch = [(table, table.take()) for table in self.tables if table.rows]
        self.pending = 0
        if not batch:
            return
        if not self.pg:
            self._write(batch)
            return
        self._raise_failure()
        if self.writer is None:
            self.writer = threading.Thread(target=self._writer, name="garap-generate", daemon=True)
            self.writer.start()
        self.batches.put(batch)

    def wait(self) -> None:
        """Flush, and return once the database has every row (re-raising a writer's error)."""
        self.flush()
        if self.writer is not None:
            self.batches.put(None)
            self.writer.join()
            self.writer = None
        self._raise_failure()

    def close(self) -> None:
        """Stop the writer without raising: the run failed and its transaction rolls back."""
        if self.writer is not None:
            self.failure = self.failure or RuntimeError("stopped")
            self.batches.put(None)
            self.writer.join()
            self.writer = None

    def _raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure

    def _write(self, batch: list[tuple[Table, list[tuple]]]) -> None:
        for table, rows in batch:
            started = time.perf_counter()
            table.write(rows)
            table.seconds += time.perf_counter() - started

    def _writer(self) -> None:
        while (batch := self.batches.get()) is not None:
            if self.failure is None:  # after a failure, drain without writing
                try:
                    self._write(batch)
                except BaseException as exc:  # re-raised in the main thread
                    self.failure = exc

    def reset_sequences(self) -> None:
        self.wait()
        statements = self.connection.ops.sequence_reset_sql(
            no_style(), [table.model for table in self.tables]
        )
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def add_to_column(self, model: type[models.Model], column: str, deltas: dict[int, int]) -> None:
        """``column += delta`` for each row id in ``deltas``, set-based where it can be."""
        self.wait()
        name = model._meta.db_table
        items = [(pk, delta) for pk, delta in deltas.items() if delta]
        if self.pg:
            with self.raw.cursor() as cursor:
                cursor.execute("CREATE TEMPORARY TABLE garap_generate_delta (id bigint, d bigint)")
                with cursor.copy("COPY garap_generate_delta (id, d) FROM STDIN") as copy:
                    for item in items:
                        copy.write_row(item)
                cursor.execute(
                    f'UPDATE "{name}" t SET "{column}" = t."{column}" + d.d '  # noqa: S608
                    "FROM garap_generate_delta d WHERE t.id = d.id"
                )
                cursor.execute("DROP TABLE garap_generate_delta")
        else:
            self.raw.executemany(
                f'UPDATE "{name}" SET "{column}" = "{column}" + ? WHERE id = ?',  # noqa: S608
                [(delta, pk) for pk, delta in items],
            )

    def finish(self) -> None:
        """The run's last step: planner statistics for the new rows, and the foreign keys
        deferred again for whatever else the surrounding transaction does."""
        self.wait()
        if self.pg:
            with self.raw.cursor() as cursor:
                for table in self.tables:
                    cursor.execute(f'ANALYZE "{table.name}"')
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def timestamp(self) -> Any:
        """The function turning epoch seconds into what this database's driver takes."""
        if self.pg:
            return _aware
        return _sqlite_text

    def counts(self) -> Iterable[tuple[str, int, float]]:
        """(table, rows written, seconds spent writing them) for each table."""
        return ((table.name, table.count, table.seconds) for table in self.tables)


def _aware(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _sqlite_text(seconds: int) -> str:
    # As Django's SQLite backend stores an aware datetime: naive UTC, ISO with a space.
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))

"""The nightly reputation pass: every user's figures at once, in a few set-based statements.

1. the platform mean (one aggregate);
2. profile rows for users who have none (two ``INSERT … SELECT … WHERE NOT EXISTS``);
3. every freelancer's new figures (one ``SELECT … GROUP BY`` per figure, joined), of which the
   rows that differ from the profile go into a temporary table; their movements into the
   change log, then one ``UPDATE … FROM`` the temporary table; rows another transaction holds
   are left out (``SKIP LOCKED``) for the next pass, so the pass never waits on a row lock;
4. the client records that differ, the same way through a temporary table;
5. a ``ReputationPass`` row saying when everyone's figures were computed.

Only rows whose figures moved are written: on most nights that is a few of them, and the pass
costs little more than computing the aggregates. So a profile's ``reputation_updated_at`` /
``record_updated_at`` is when its figures were last written, and the time they were last
computed is the later of that and the last pass (``figures_computed_at`` on the models).

No Python loop over users: the number of statements is the same for ten users or ten million.
The definitions, and a per-user reference implementation the tests compare this with, are in
``projects.reputation.calculation``. Runs on PostgreSQL and on SQLite (the embedded default),
whose only differences are spelled out in ``_Dialect``.
"""

from __future__ import annotations

import statistics
from datetime import datetime
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.db import connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from accounts.models import ClientProfile, FreelancerProfile, ReputationChange, ReputationPass, User
from projects.models import Contract, Dispute, Gig, Milestone, Review
from projects.reputation.calculation import (
    CLOSED_GIG_STATUSES,
    COUNTED_OUTCOMES,
    LOGGED_FIGURES,
)
from projects.reputation.calculation import platform_mean as compute_platform_mean

T = {
    "user": User._meta.db_table,
    "fp": FreelancerProfile._meta.db_table,
    "cp": ClientProfile._meta.db_table,
    "change": ReputationChange._meta.db_table,
    "review": Review._meta.db_table,
    "milestone": Milestone._meta.db_table,
    "contract": Contract._meta.db_table,
    "gig": Gig._meta.db_table,
    "dispute": Dispute._meta.db_table,
}


class _Dialect:
    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"

    def ratio(self, part: str, whole: str, places: int = 3) -> str:
        cast = f"CAST({part} AS numeric)" if self.pg else f"CAST({part} AS REAL)"
        # ``whole`` may be an expression ("3 * r.n"): parenthesised, or "/ 3 * n" multiplies.
        return f"(CASE WHEN {whole} > 0 THEN ROUND({cast} / ({whole}), {places}) END)"

    def median(self, column: str) -> str:
        if self.pg:
            return f"ROUND(CAST(percentile_cont(0.5) WITHIN GROUP (ORDER BY {column}) AS numeric))"
        return f"ROUND(garap_median({column}))"

    def decimal(self, placeholder: str) -> str:
        return f"CAST({placeholder} AS numeric)" if self.pg else f"CAST({placeholder} AS REAL)"

    def as_text(self, column: str, places: int) -> str:
        """The value as the change log writes it: "0.500", "18000", "" for none — as
        ``str()`` of the Decimal or int the per-user recalculation logs."""
        if self.pg:  # numeric keeps its scale: ROUND(…, 3) and numeric(4, 3) print "0.500"
            return f"COALESCE(CAST({column} AS text), '')"
        # SQLite stores these as REAL or INTEGER, which print as "0.5" or "1". ("%%": the
        # statement is run with parameters.)
        return f"(CASE WHEN {column} IS NULL THEN '' ELSE printf('%%.{places}f', {column}) END)"


class _Median:
    """SQLite has no median; this aggregate is registered on every SQLite connection."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return statistics.median(self.values) if self.values else None


def register_sqlite_functions(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: object
) -> None:
    if getattr(connection, "vendor", "") == "sqlite":
        connection.connection.create_aggregate("garap_median", 1, _Median)


def _insert_missing_profiles(cursor, model: type[models.Model], now: datetime) -> None:
    """Give every user a row, with the model's defaults, in one statement."""
    columns, values = ["user_id"], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name == "user" or field.generated:
            continue  # (a generated column, the directory's rank, is the database's to fill)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        else:
            default = field.get_default()
        columns.append(cast(str, field.column))  # a concrete field has its column
        values.append(field.get_db_prep_save(default, connection))
    placeholders = ", ".join(["%s"] * len(values))
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 - our names
        f"SELECT u.id, {placeholders} FROM {T['user']} u "
        f"WHERE NOT EXISTS (SELECT 1 FROM {model._meta.db_table} p WHERE p.user_id = u.id)",
        values,
    )


def _freelancer_select(d: _Dialect, prior: Decimal | None, now: object) -> tuple[str, dict]:
    weight = settings.REPUTATION_PRIOR_WEIGHT
    if prior is None:
        # No review anywhere yet: nobody has a rating. Typed, or PostgreSQL's CREATE TABLE AS
        # makes the column text, which cannot be compared with or written to a numeric one.
        rating = d.decimal("NULL")
    else:
        rating = (
            f"ROUND((3 * {weight} * {d.decimal('%(prior)s')} + COALESCE(r.points, 0)) "
            f"/ (3 * ({weight} + COALESCE(r.n, 0))), 3)"
        )
    outcomes = ", ".join(f"'{o}'" for o in COUNTED_OUTCOMES)
    sql = f"""
        SELECT p.user_id,
            {rating} AS rating,
            COALESCE(r.n, 0) AS rating_count,
            COALESCE(r.points, 0) AS rating_points,
            {d.decimal("NULL" if prior is None else "%(prior)s")} AS rating_prior,
            {d.ratio("COALESCE(m.on_time, 0)", "m.total")} AS on_time_rate,
            COALESCE(m.on_time, 0) AS on_time_count,
            COALESCE(m.total, 0) AS on_time_total,
            {d.ratio("COALESCE(c.done, 0)", "c.total")} AS completion_rate,
            COALESCE(c.done, 0) AS completed_count,
            COALESCE(c.total, 0) AS completion_total,
            {d.ratio("COALESCE(k.repeat_clients, 0)", "k.clients")} AS repeat_client_rate,
            COALESCE(k.repeat_clients, 0) AS repeat_clients,
            COALESCE(k.clients, 0) AS distinct_clients,
            s.median_seconds AS median_response_seconds,
            COALESCE(s.samples, 0) AS response_samples
        FROM {T["fp"]} p
        LEFT JOIN (
            SELECT subject_id AS uid, COUNT(*) AS n,
                   SUM(quality + communication + value) AS points
            FROM {T["review"]}
            WHERE revealed_at IS NOT NULL AND removed_at IS NULL AND held_at IS NULL
              AND subject_role = 'freelancer'
            GROUP BY subject_id
        ) r ON r.uid = p.user_id
        LEFT JOIN (
            SELECT c.freelancer_id AS uid, COUNT(*) AS total,
                   SUM(CASE WHEN m.first_submitted_at <= m.due_at THEN 1 ELSE 0 END) AS on_time
            FROM {T["milestone"]} m JOIN {T["contract"]} c ON c.id = m.contract_id
            WHERE m.funded_at IS NOT NULL
              AND (m.first_submitted_at IS NOT NULL OR m.due_at <= %(now)s)
            GROUP BY c.freelancer_id
        ) m ON m.uid = p.user_id
        LEFT JOIN (
            SELECT freelancer_id AS uid, COUNT(*) AS total,
                   SUM(CASE WHEN outcome = 'completed' THEN 1 ELSE 0 END) AS done
            FROM {T["contract"]} WHERE outcome IN ({outcomes})
            GROUP BY freelancer_id
        ) c ON c.uid = p.user_id
        LEFT JOIN (
            SELECT uid, COUNT(*) AS clients,
                   SUM(CASE WHEN hires >= 2 THEN 1 ELSE 0 END) AS repeat_clients
            FROM (
                SELECT freelancer_id AS uid, client_id, COUNT(*) AS hires
                FROM {T["contract"]} WHERE status = 'completed'
                GROUP BY freelancer_id, client_id
            ) per_client
            GROUP BY uid
        ) k ON k.uid = p.user_id
        LEFT JOIN (
            SELECT freelancer_id AS uid, COUNT(*) AS samples,
                   {d.median("first_response_seconds")} AS median_seconds
            FROM {T["contract"]} WHERE first_response_seconds IS NOT NULL
            GROUP BY freelancer_id
        ) s ON s.uid = p.user_id
    """  # noqa: S608 - table names and literals are ours; values are parameters
    return sql, {"now": now, "prior": prior}


FREELANCER_COLUMNS = (
    "rating",
    "rating_count",
    "rating_points",
    "rating_prior",
    "on_time_rate",
    "on_time_count",
    "on_time_total",
    "completion_rate",
    "completed_count",
    "completion_total",
    "repeat_client_rate",
    "repeat_clients",
    "distinct_clients",
    "median_response_seconds",
    "response_samples",
)


def _client_select(d: _Dialect) -> str:
    closed = ", ".join(f"'{s}'" for s in CLOSED_GIG_STATUSES)
    return f"""
        SELECT p.user_id,
            COALESCE(g.posted, 0) AS gigs_posted,
            COALESCE(g.closed, 0) AS gigs_closed,
            COALESCE(c.n, 0) AS hires,
            {d.ratio("COALESCE(c.n, 0)", "g.closed")} AS hire_rate,
            {d.ratio("a.total", "a.n", 0)} AS avg_approval_seconds,
            COALESCE(a.n, 0) AS approvals,
            COALESCE(c.n, 0) AS contracts,
            COALESCE(x.n, 0) AS disputed_contracts,
            {d.ratio("COALESCE(x.n, 0)", "c.n")} AS dispute_rate,
            COALESCE(v.revisions, 0) AS revisions_requested,
            COALESCE(v.n, 0) AS milestones_delivered,
            {d.ratio("COALESCE(v.revisions, 0)", "v.n", 2)} AS revisions_per_milestone,
            COALESCE(r.n, 0) AS rating_count,
            COALESCE(r.points, 0) AS rating_points,
            {d.ratio("COALESCE(r.points, 0)", "3 * r.n")} AS rating_average
        FROM {T["cp"]} p
        LEFT JOIN (
            SELECT client_id AS uid, COUNT(*) AS posted,
                   SUM(CASE WHEN status IN ({closed}) THEN 1 ELSE 0 END) AS closed
            FROM {T["gig"]} WHERE published_at IS NOT NULL GROUP BY client_id
        ) g ON g.uid = p.user_id
        LEFT JOIN (
            SELECT client_id AS uid, COUNT(*) AS n FROM {T["contract"]} GROUP BY client_id
        ) c ON c.uid = p.user_id
        LEFT JOIN (
            SELECT c.client_id AS uid, COUNT(DISTINCT c.id) AS n
            FROM {T["dispute"]} d
            JOIN {T["milestone"]} m ON m.id = d.milestone_id
            JOIN {T["contract"]} c ON c.id = m.contract_id
            GROUP BY c.client_id
        ) x ON x.uid = p.user_id
        LEFT JOIN (
            SELECT c.client_id AS uid, COUNT(*) AS n, SUM(m.approval_seconds) AS total
            FROM {T["milestone"]} m JOIN {T["contract"]} c ON c.id = m.contract_id
            WHERE m.approval_seconds IS NOT NULL GROUP BY c.client_id
        ) a ON a.uid = p.user_id
        LEFT JOIN (
            SELECT c.client_id AS uid, COUNT(*) AS n, SUM(m.revisions_used) AS revisions
            FROM {T["milestone"]} m JOIN {T["contract"]} c ON c.id = m.contract_id
            WHERE m.first_submitted_at IS NOT NULL GROUP BY c.client_id
        ) v ON v.uid = p.user_id
        LEFT JOIN (
            SELECT subject_id AS uid, COUNT(*) AS n,
                   SUM(quality + communication + value) AS points
            FROM {T["review"]}
            WHERE revealed_at IS NOT NULL AND removed_at IS NULL AND held_at IS NULL
              AND subject_role = 'client'
            GROUP BY subject_id
        ) r ON r.uid = p.user_id
    """  # noqa: S608 - table names and literals are ours


CLIENT_COLUMNS = (
    "gigs_posted",
    "gigs_closed",
    "hires",
    "hire_rate",
    "avg_approval_seconds",
    "approvals",
    "contracts",
    "disputed_contracts",
    "dispute_rate",
    "revisions_requested",
    "milestones_delivered",
    "revisions_per_milestone",
    "rating_count",
    "rating_points",
    "rating_average",
)


def _differs(columns: tuple[str, ...], old: str, new: str) -> str:
    """A row's figures moved: any column differs, NULL counting as a value."""
    return " OR ".join(f"{old}.{c} IS DISTINCT FROM {new}.{c}" for c in columns)


def _leave_out_held_rows(cursor, profiles: str, moved: str) -> int:
    """Lock the profile rows the pass is about to write, passing over those another transaction
    holds (a person's review, an admin's edit, a stuck transaction), and drop those from
    ``moved``: the pass never waits behind a row lock, and the next pass writes what it left.
    Returns how many rows it left.

    PostgreSQL only: SQLite has one lock for the whole database."""
    if connection.vendor != "postgresql":
        return 0
    cursor.execute(
        f"WITH taken AS (SELECT p.user_id FROM {profiles} p "  # noqa: S608 - our names
        f"JOIN {moved} n ON n.user_id = p.user_id "
        "ORDER BY p.user_id FOR NO KEY UPDATE OF p SKIP LOCKED) "
        f"DELETE FROM {moved} WHERE user_id NOT IN (SELECT user_id FROM taken)"
    )
    return max(cursor.rowcount, 0)


def recalculate_all(*, now: datetime) -> dict[str, int]:
    """Recompute every freelancer's and client's figures; write the rows that moved and log the
    freelancers' movements; record the pass.

    Returns how many figures moved (``changes``, for the task's log line), how many profile
    rows were written, and how many were ``held`` elsewhere and left for the next pass.
    """
    d = _Dialect(connection.vendor)
    prior = compute_platform_mean()
    at = connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic(), connection.cursor() as cursor:
        _insert_missing_profiles(cursor, FreelancerProfile, now)
        _insert_missing_profiles(cursor, ClientProfile, now)

        select, params = _freelancer_select(d, prior, at)
        cursor.execute(
            "CREATE TEMPORARY TABLE garap_new_reputation AS "  # noqa: S608 - our names
            f"SELECT n.* FROM ({select}) n JOIN {T['fp']} p ON p.user_id = n.user_id "
            f"WHERE {_differs(FREELANCER_COLUMNS, 'p', 'n')}",
            params,
        )
        held = _leave_out_held_rows(cursor, T["fp"], "garap_new_reputation")
        places = {
            figure: getattr(FreelancerProfile._meta.get_field(figure), "decimal_places", 0)
            for figure in LOGGED_FIGURES
        }
        moved = " UNION ALL ".join(
            f"SELECT p.user_id, '{figure}', "  # noqa: S608 - our names
            f"{d.as_text('p.' + figure, places[figure])}, "
            f"{d.as_text('n.' + figure, places[figure])}, 'nightly', '', %(now)s "
            f"FROM {T['fp']} p JOIN garap_new_reputation n ON n.user_id = p.user_id "
            f"WHERE p.{figure} IS DISTINCT FROM n.{figure}"
            for figure in LOGGED_FIGURES
        )
        cursor.execute(
            f"INSERT INTO {T['change']} "
            "(user_id, figure, old_value, new_value, cause, reference, created_at) " + moved,
            {"now": at},
        )
        changes = max(cursor.rowcount, 0)
        assignments = ", ".join(f"{c} = n.{c}" for c in FREELANCER_COLUMNS)
        cursor.execute(
            f"UPDATE {T['fp']} SET {assignments}, reputation_updated_at = %(now)s "  # noqa: S608
            f"FROM garap_new_reputation n WHERE {T['fp']}.user_id = n.user_id",
            {"now": at},
        )
        freelancers = max(cursor.rowcount, 0)
        cursor.execute("DROP TABLE garap_new_reputation")

        cursor.execute(
            "CREATE TEMPORARY TABLE garap_new_record AS "  # noqa: S608 - our names
            f"SELECT n.* FROM ({_client_select(d)}) n JOIN {T['cp']} p ON p.user_id = n.user_id "
            f"WHERE {_differs(CLIENT_COLUMNS, 'p', 'n')}"
        )
        held += _leave_out_held_rows(cursor, T["cp"], "garap_new_record")
        assignments = ", ".join(f"{c} = n.{c}" for c in CLIENT_COLUMNS)
        cursor.execute(
            f"UPDATE {T['cp']} SET {assignments}, record_updated_at = %(now)s "  # noqa: S608
            f"FROM garap_new_record n WHERE {T['cp']}.user_id = n.user_id",
            {"now": at},
        )
        clients = max(cursor.rowcount, 0)
        cursor.execute("DROP TABLE garap_new_record")
        ReputationPass.objects.create(
            computed_at=now,
            changes=changes,
            freelancers_written=freelancers,
            clients_written=clients,
        )
    return {
        "changes": changes,
        "freelancers_written": freelancers,
        "clients_written": clients,
        "held": held,
    }

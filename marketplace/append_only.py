"""Rows that are written once and never changed: the ledger, the moderators' audit log.

The model layer refuses updates and deletes here; on PostgreSQL a trigger refuses them too
(``refuse_changes_sql``), which also stops raw SQL, a shell session or a future bug. TRUNCATE,
used by test teardown, is not affected.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnlyError(Exception):
    """An append-only row was about to change; a mistake is corrected by a new row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted")


def refuse_changes_sql(table: str) -> tuple[str, str]:
    """(forward, backward) SQL for a PostgreSQL trigger refusing UPDATE and DELETE on ``table``."""
    function = f"{table}_refuse_change"
    forward = f"""
CREATE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '{table} rows are append-only (%)', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_append_only
  BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    backward = f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {function}();
"""
    return forward, backward

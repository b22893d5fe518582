"""Rows that are written once and never changed: the ledger, the moderators' audit log.

The model layer refuses updates and deletes here (and is the only guard on SQLite, which is for
development); on PostgreSQL a trigger declared on the model (``refuse_changes``, installed by
django-pgtrigger's migrations) refuses them too, which also stops raw SQL, a shell session or a
future bug. TRUNCATE, used by test teardown, is not affected.
"""

from __future__ import annotations

from typing import Any

import pgtrigger
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


def refuse_changes(rows: str) -> pgtrigger.Trigger:
    """A PostgreSQL trigger refusing UPDATE and DELETE, for a model's ``Meta.triggers``.

    It raises an integrity violation (Django's ``IntegrityError``) naming ``rows`` ("ledger"),
    the operation and the table.
    """
    return pgtrigger.Trigger(
        name="append_only",
        when=pgtrigger.Before,
        operation=pgtrigger.Update | pgtrigger.Delete,
        func=(
            f"RAISE EXCEPTION '{rows} rows are append-only (% on %)', TG_OP, TG_TABLE_NAME "
            "USING ERRCODE = 'integrity_constraint_violation';"
        ),
    )

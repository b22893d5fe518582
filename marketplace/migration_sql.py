"""SQL that only PostgreSQL runs, as a migration operation: triggers and functions that SQLite
(for development only) does without."""

from __future__ import annotations

from django.db import migrations


def postgres_only(forward: str, backward: str) -> migrations.RunPython:
    """Run ``forward`` when migrating forward on PostgreSQL, ``backward`` when going back."""

    def run(sql: str):
        def operation(apps, schema_editor) -> None:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql, params=None)

        return operation

    return migrations.RunPython(run(forward), run(backward), elidable=False)

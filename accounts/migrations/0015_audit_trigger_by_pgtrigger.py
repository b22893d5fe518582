"""The audit log's append-only trigger, now declared on the model (``ModeratorAction.Meta.triggers``)
and installed by django-pgtrigger: migration 0005's hand-written one is dropped first, in the
same transaction, so the log is never unguarded. On SQLite this migration does nothing.
"""

from importlib import import_module

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from marketplace.migration_sql import postgres_only


# Migration 0005's SQL, both ways.
_OLD = import_module("accounts.migrations.0005_moderation")
DROP, RESTORE = _OLD.DROP_AUDIT_TRIGGER, _OLD.AUDIT_TRIGGER


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0014_taxonomy_content_types'),
    ]

    operations = [
        postgres_only(DROP, RESTORE),
        pgtrigger.migrations.AddTrigger(
            model_name='moderatoraction',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'audit rows are append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';", hash='de8b9e7e3ad46df62d25a9981ec8e6047b38f4c6', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_e28d0', table='accounts_moderatoraction', when='BEFORE')),
        ),
    ]

"""The ledger's append-only triggers, now declared on the models (``Meta.triggers``) and
installed by django-pgtrigger: the hand-written ones of migration 0002 are dropped first, in the
same transaction, so the ledger is never unguarded. On SQLite this migration does nothing.
"""

from importlib import import_module

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from marketplace.migration_sql import postgres_only


# Migration 0002's SQL, both ways.
_OLD = import_module("payments.migrations.0002_append_only_ledger")
DROP, RESTORE = _OLD.BACKWARD, _OLD.FORWARD


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0005_single_line_text'),
    ]

    operations = [
        postgres_only(DROP, RESTORE),
        pgtrigger.migrations.AddTrigger(
            model_name='entry',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'ledger rows are append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';", hash='7cf41a1c34f19de520a3b95c803892f9503afaa7', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_28380', table='payments_entry', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='ledgertransaction',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'ledger rows are append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';", hash='b6355ea9f296b8e84f4f59a241ba57832ffffd45', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_9c7fe', table='payments_ledgertransaction', when='BEFORE')),
        ),
    ]

"""The ledger's append-only triggers, now declared on the models (``Meta.triggers``) and
installed by django-pgtrigger: the hand-written ones of migration 0002 are dropped first, in the
same transaction, so the ledger is never unguarded. On SQLite this migration does nothing.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

DROP = """
DROP TRIGGER IF EXISTS payments_entry_append_only ON payments_entry;
DROP TRIGGER IF EXISTS payments_ledgertransaction_append_only ON payments_ledgertransaction;
DROP FUNCTION IF EXISTS payments_refuse_ledger_change();
"""

# Migration 0002's SQL, for going back.
RESTORE = """
CREATE FUNCTION payments_refuse_ledger_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ledger rows are append-only (% on %)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER payments_entry_append_only
  BEFORE UPDATE OR DELETE ON payments_entry
  FOR EACH ROW EXECUTE FUNCTION payments_refuse_ledger_change();

CREATE TRIGGER payments_ledgertransaction_append_only
  BEFORE UPDATE OR DELETE ON payments_ledgertransaction
  FOR EACH ROW EXECUTE FUNCTION payments_refuse_ledger_change();
"""


def drop_hand_written(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


def restore_hand_written(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0005_single_line_text'),
    ]

    operations = [
        migrations.RunPython(drop_hand_written, restore_hand_written, elidable=False),
        pgtrigger.migrations.AddTrigger(
            model_name='entry',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'ledger rows are append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';", hash='7cf41a1c34f19de520a3b95c803892f9503afaa7', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_28380', table='payments_entry', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='ledgertransaction',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'ledger rows are append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';", hash='b6355ea9f296b8e84f4f59a241ba57832ffffd45', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_9c7fe', table='payments_ledgertransaction', when='BEFORE')),
        ),
    ]

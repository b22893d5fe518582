"""The audit log's append-only trigger, now declared on the model (``ModeratorAction.Meta.triggers``)
and installed by django-pgtrigger: migration 0005's hand-written one is dropped first, in the
same transaction, so the log is never unguarded. On SQLite this migration does nothing.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

DROP = """
DROP TRIGGER IF EXISTS accounts_moderatoraction_append_only ON accounts_moderatoraction;
DROP FUNCTION IF EXISTS accounts_moderatoraction_refuse_change();
"""

# Migration 0005's SQL, for going back.
RESTORE = """
CREATE FUNCTION accounts_moderatoraction_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'accounts_moderatoraction rows are append-only (%)', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_moderatoraction_append_only
  BEFORE UPDATE OR DELETE ON accounts_moderatoraction
  FOR EACH ROW EXECUTE FUNCTION accounts_moderatoraction_refuse_change();
"""


def drop_hand_written(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


def restore_hand_written(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0013_fill_masked_copies'),
    ]

    operations = [
        migrations.RunPython(drop_hand_written, restore_hand_written, elidable=False),
        pgtrigger.migrations.AddTrigger(
            model_name='moderatoraction',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'audit rows are append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';", hash='de8b9e7e3ad46df62d25a9981ec8e6047b38f4c6', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_e28d0', table='accounts_moderatoraction', when='BEFORE')),
        ),
    ]

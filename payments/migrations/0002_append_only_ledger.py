"""On PostgreSQL the database itself refuses to change or delete ledger rows.

The model layer refuses too (payments.models.AppendOnlyModel), but only for code that goes
through it; this trigger also stops raw SQL, a shell session or a future bug. TRUNCATE (used by
test teardown) is not affected. SQLite has no such trigger; it is for development only.
"""

from django.db import migrations

FORWARD = """
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

BACKWARD = """
DROP TRIGGER IF EXISTS payments_entry_append_only ON payments_entry;
DROP TRIGGER IF EXISTS payments_ledgertransaction_append_only ON payments_ledgertransaction;
DROP FUNCTION IF EXISTS payments_refuse_ledger_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_ledger")]

    operations = [migrations.RunPython(forward, backward)]

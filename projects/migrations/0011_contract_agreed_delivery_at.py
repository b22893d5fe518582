"""The contract's agreed delivery date: what the accepted bid promised (its delivery days after
the hire). Existing contracts get it from their bid, as the hire computed their first due date."""

from django.conf import settings
from django.db import migrations, models


def from_the_bid(apps, schema_editor):
    contracts = apps.get_model("projects", "Contract")._meta.db_table
    bids = apps.get_model("projects", "Bid")._meta.db_table
    # One UPDATE for every row, however many: a timer day (TIMER_DAY_SECONDS) per delivery day
    # after the hire, as projects.services.bids.bid_accept counts them.
    if schema_editor.connection.vendor == "postgresql":
        sql = (
            f"UPDATE {contracts} c SET agreed_delivery_at ="  # noqa: S608 - our table names
            " c.created_at + b.delivery_days * make_interval(secs => %s)"
            f" FROM {bids} b WHERE b.id = c.bid_id"
        )
    else:
        sql = (
            f"UPDATE {contracts} SET agreed_delivery_at = datetime(created_at, '+' ||"  # noqa: S608
            f" ((SELECT delivery_days FROM {bids} b WHERE b.id = bid_id) * %s) || ' seconds')"
        )
    schema_editor.execute(sql, [settings.TIMER_DAY_SECONDS])


class Migration(migrations.Migration):
    dependencies = [("projects", "0010_trust_checks_held_reviews")]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="agreed_delivery_at",
            field=models.DateTimeField(null=True, verbose_name="agreed delivery date"),
        ),
        migrations.RunPython(from_the_bid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contract",
            name="agreed_delivery_at",
            field=models.DateTimeField(verbose_name="agreed delivery date"),
        ),
    ]

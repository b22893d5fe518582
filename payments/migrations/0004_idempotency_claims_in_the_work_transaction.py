from django.db import migrations, models


def drop_unfinished_claims(apps, schema_editor):
    # Claims committed ahead of their work by the earlier design: none of them holds a
    # response, and none guards money that moved (the work commits with its response).
    apps.get_model("payments", "IdempotencyRecord").objects.filter(
        response_status__isnull=True
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0003_sandbox_gateway_outcome"),
    ]

    operations = [
        migrations.RunPython(drop_unfinished_claims, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="idempotencyrecord",
            name="response_status",
            field=models.PositiveSmallIntegerField(),
        ),
    ]

from django.db import migrations

TAXONOMY = ["category", "skill"]


def taxonomy_to_accounts(apps, schema_editor):
    """The taxonomy's models were projects' and are accounts' (their tables unchanged): their
    content types follow, so the permissions granted on them (the moderators' group, any user)
    and the admin's history of them keep pointing at the same rows. A database that never had
    them (a new one) gets them after migrating, under accounts, as usual."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in TAXONOMY:
        if ContentType.objects.using(db).filter(app_label="accounts", model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label="projects", model=model).update(
            app_label="accounts"
        )


def taxonomy_to_projects(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in TAXONOMY:
        if ContentType.objects.using(db).filter(app_label="projects", model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label="accounts", model=model).update(
            app_label="projects"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0013_fill_masked_copies"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(taxonomy_to_accounts, taxonomy_to_projects)]

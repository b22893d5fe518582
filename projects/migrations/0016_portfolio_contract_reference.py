from django.db import migrations, models


def drop_portfolio_contract_foreign_key(apps, schema_editor):
    """A portfolio item names its contract by id (accounts knows nothing of contracts); on a
    database made when the column was a foreign key to projects_contract, the key is dropped
    here, by the app it pointed at. Every row and value stays; the unique index too."""
    connection = schema_editor.connection
    PortfolioItem = apps.get_model("accounts", "PortfolioItem")
    Contract = apps.get_model("projects", "Contract")
    table = PortfolioItem._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    if not any(
        c["foreign_key"] and c["columns"] == ["contract_id"] for c in constraints.values()
    ):
        return  # made without it: nothing to drop
    # The field as it was: altering it to the plain id drops the key (PostgreSQL drops the
    # constraint; SQLite copies the table without it).
    old = models.OneToOneField(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    old.set_attributes_from_name("contract")
    old.model = PortfolioItem
    schema_editor.alter_field(PortfolioItem, old, PortfolioItem._meta.get_field("contract_id"))


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0015_fill_masked_copies"),
        ("accounts", "0014_taxonomy_content_types"),
    ]

    operations = [
        migrations.RunPython(drop_portfolio_contract_foreign_key, migrations.RunPython.noop)
    ]

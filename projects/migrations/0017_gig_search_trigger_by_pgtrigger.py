"""The gig search-vector trigger, now declared on the model (``Gig.Meta.triggers``) and installed
by django-pgtrigger: migration 0003's hand-written one is dropped first, in the same transaction,
so no write goes unindexed. The stored vectors and the GIN index stay as they are. On SQLite this
migration does nothing.
"""

from importlib import import_module

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from marketplace.migration_sql import postgres_only

DROP = """
DROP TRIGGER IF EXISTS projects_gig_search_vector_update ON projects_gig;
DROP FUNCTION IF EXISTS projects_gig_search_vector();
"""

# Migration 0003's trigger, for going back (the stored vectors and the index stayed).
RESTORE = import_module("projects.migrations.0003_gig_search_trigger").TRIGGER


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0016_portfolio_contract_reference'),
    ]

    operations = [
        postgres_only(DROP, RESTORE),
        pgtrigger.migrations.AddTrigger(
            model_name='gig',
            trigger=pgtrigger.compiler.Trigger(name='search_vector', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n    NEW.search_vector :=\n      setweight(to_tsvector('indonesian', coalesce(NEW.title, '')), 'A') ||\n      setweight(to_tsvector('indonesian', coalesce(NEW.description, '')), 'B');\n    RETURN NEW;\n    ", hash='f94e36f86fd2671869be157e71e42f9aafe21fb8', operation='INSERT OR UPDATE OF "title", "description"', pgid='pgtrigger_search_vector_89c1d', table='projects_gig', when='BEFORE')),
        ),
    ]

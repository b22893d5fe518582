"""Full-text search for gigs on PostgreSQL: a trigger keeps ``search_vector`` current, a GIN
index serves ``@@`` queries. The trigger (rather than the ORM) fills the column so that bulk
loads and raw SQL keep it right too. Titles weigh more than descriptions. On SQLite this
migration does nothing: the search selector falls back to substring matching there.
"""

from django.db import migrations

TRIGGER = """
CREATE FUNCTION projects_gig_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('indonesian', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('indonesian', coalesce(NEW.description, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER projects_gig_search_vector_update
  BEFORE INSERT OR UPDATE OF title, description ON projects_gig
  FOR EACH ROW EXECUTE FUNCTION projects_gig_search_vector();
"""

FORWARD = TRIGGER + """
UPDATE projects_gig SET title = title;

CREATE INDEX gig_search_vector_gin ON projects_gig USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS gig_search_vector_gin;
DROP TRIGGER IF EXISTS projects_gig_search_vector_update ON projects_gig;
DROP FUNCTION IF EXISTS projects_gig_search_vector();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_gigs_bids_contracts")]

    operations = [migrations.RunPython(forward, backward)]

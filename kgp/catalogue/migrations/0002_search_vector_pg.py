"""On PostgreSQL, the German full-text vector of an offer is a stored generated column with a GIN
index, and the folded search text gets a trigram index: the catalogue search neither computes
to_tsvector per row nor scans the text for every query. SQLite keeps the plain substring search."""

from django.db import migrations

VECTOR = (
    "setweight(to_tsvector('german'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('german'::regconfig, coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('german'::regconfig, coalesce(search_text, '')), 'C')"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE catalogue_offer ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED"
    )
    schema_editor.execute("CREATE INDEX IF NOT EXISTS catalogue_offer_search_vector ON catalogue_offer USING gin (search_vector)")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS catalogue_offer_search_trgm ON catalogue_offer USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS catalogue_offer_search_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS catalogue_offer_search_vector")
    schema_editor.execute("ALTER TABLE catalogue_offer DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

"""On PostgreSQL, a trigram index makes the substring search of the company list fast at full scale."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS companies_company_search_trgm "
        "ON companies_company USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS companies_company_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("companies", "0002_topics")]
    operations = [migrations.RunPython(forwards, backwards)]

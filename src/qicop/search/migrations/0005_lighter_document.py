"""PostgreSQL: body terms without positions in the tsvector.

A search checks and ranks up to a thousand candidates; with every position kept, most documents' vectors
were large enough to be compressed out of line, and reading them back was most of a search's time.
Title terms keep their positions and their weight; body terms count once each.
"""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS search_entry_document",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS document",
    """ALTER TABLE search_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_terms), 'A') || strip(to_tsvector('simple', terms))
    ) STORED""",
    "CREATE INDEX search_entry_document ON search_searchentry USING GIN (document)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_document",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS document",
    """ALTER TABLE search_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_terms), 'A') || setweight(to_tsvector('simple', terms), 'B')
    ) STORED""",
    "CREATE INDEX search_entry_document ON search_searchentry USING GIN (document)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_filter_terms")]
    operations = [migrations.RunPython(forwards, backwards)]

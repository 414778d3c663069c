"""The full-text index, in each database's own engine.

SQLite: an FTS5 table of the published articles keyed by the article id (BM25 ranking,
column weights at query time; `internal` unindexed, for filtering without a join).
PostgreSQL: a generated tsvector column over the textid-analysed fields with a GIN index,
in the `simple` configuration: textid already normalised, expanded slang and stemmed the
words, and the built-in `indonesian` configuration over-stems ("pengiriman" → "irim").
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE kb_article_fts USING fts5("
    "title, keywords, body, internal UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS kb_article_fts"]

POSTGRES_UP = [
    "ALTER TABLE kb_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', index_title), 'A') || "
    "setweight(to_tsvector('simple', index_keywords), 'B') || "
    "setweight(to_tsvector('simple', index_body), 'D')) STORED",
    "CREATE INDEX kb_article_search_vector ON kb_article USING gin (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS kb_article_search_vector",
    "ALTER TABLE kb_article DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]

"""Full-text search over what was written in tickets, for agents.

SQLite: an FTS5 table with the messages as its external content (no second copy of the
text), kept in step by triggers. PostgreSQL: a GIN index on the `simple` tsvector of the
text. Words are matched as written (by prefix), not stemmed: agents look for an order
number, a name or a phrase they remember.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE conversations_message_fts USING fts5(text, "
    "content='conversations_message', content_rowid='id', "
    "tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER conversations_message_fts_insert AFTER INSERT ON conversations_message "
    "BEGIN INSERT INTO conversations_message_fts (rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER conversations_message_fts_delete AFTER DELETE ON conversations_message "
    "BEGIN INSERT INTO conversations_message_fts (conversations_message_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER conversations_message_fts_update AFTER UPDATE OF text "
    "ON conversations_message BEGIN "
    "INSERT INTO conversations_message_fts (conversations_message_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    "INSERT INTO conversations_message_fts (rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO conversations_message_fts (conversations_message_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS conversations_message_fts_insert",
    "DROP TRIGGER IF EXISTS conversations_message_fts_delete",
    "DROP TRIGGER IF EXISTS conversations_message_fts_update",
    "DROP TABLE IF EXISTS conversations_message_fts",
]
POSTGRES_UP = [
    "CREATE INDEX conversations_message_text_fts ON conversations_message "
    "USING gin (to_tsvector('simple', text))",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS conversations_message_text_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("conversations", "0005_email_fields_and_participants")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]

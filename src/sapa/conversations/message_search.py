"""Which tickets have a message containing every word an agent typed (by prefix), through
the database's full-text engine (see migration 0006)."""

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from sapa.textid import normalise, tokenise

# More words than this are ignored: a search, not a document.
MAX_WORDS = 8


def tickets_with_words(text: str) -> Q | None:
    """A filter on tickets for `text`, or None when it has no searchable word."""
    words = [w for w in tokenise(normalise(text)) if w][:MAX_WORDS]
    if not words:
        return None
    if connection.vendor == "postgresql":
        query = " & ".join("'" + w.replace("'", "").replace("\\", "") + "':*" for w in words)
        sql = (
            "SELECT ticket_id FROM conversations_message "
            "WHERE to_tsvector('simple', text) @@ to_tsquery('simple', %s)"
        )
    else:
        # Each word quoted: FTS5 operators in what an agent types are never syntax.
        query = " ".join('"' + w.replace('"', "") + '"*' for w in words)
        sql = (
            "SELECT m.ticket_id FROM conversations_message_fts f "
            "JOIN conversations_message m ON m.id = f.rowid "
            "WHERE conversations_message_fts MATCH %s"
        )
    return Q(pk__in=RawSQL(sql, [query]))  # noqa: S611 - constant SQL, the words are a parameter

"""The database's own full-text engine, one small class per vendor.

Both hold the textid terms of an article's title, keywords (tags and example questions) and
body, and answer "which visible articles match any of these terms, best first" with their
own ranking: BM25 in SQLite's FTS5, `ts_rank` over weighted tsvectors in PostgreSQL.
"""

from collections.abc import Mapping, Sequence
from typing import Protocol

from django.db import connection

from sapa.kb.models import ArticleStatus

# How much a term in the title and in the keywords counts against one in the body.
TITLE_WEIGHT = 6.0
KEYWORDS_WEIGHT = 3.0


class FullText(Protocol):
    # Whether match(..., among=ids) is cheaper than ranking every match (PostgreSQL looks
    # the ids up by primary key; FTS5 would scan the matches and filter).
    restricts_cheaply: bool

    def write(
        self, article_id: int, title: str, keywords: str, body: str, *, internal: bool
    ) -> None: ...

    def remove(self, article_id: int) -> None: ...

    def match(
        self,
        terms: Sequence[str],
        *,
        include_internal: bool,
        limit: int,
        rarity: Mapping[str, float] | None = None,
        among: Sequence[int] | None = None,
    ) -> list[tuple[int, float]]:
        """Visible articles with any of `terms`, best first. `rarity` (inverse document
        frequency per term) is used by engines whose own ranking has none; `among` limits
        the ranking to those articles where `restricts_cheaply` (others may ignore it)."""
        ...


def _visibility_sql(alias: str, include_internal: bool) -> str:
    published = f"{alias}.status = '{ArticleStatus.PUBLISHED.value}'"
    return published if include_internal else f"{published} AND NOT {alias}.internal"


class SqliteFullText:
    """FTS5's BM25 has its own inverse document frequency: `rarity` is not needed. A
    `rowid IN (...)` filter makes FTS5 slower, not faster: `among` is ignored."""

    restricts_cheaply = False

    def write(
        self, article_id: int, title: str, keywords: str, body: str, *, internal: bool
    ) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM kb_article_fts WHERE rowid = %s", [article_id])
            cursor.execute(
                "INSERT INTO kb_article_fts (rowid, title, keywords, body, internal) "
                "VALUES (%s, %s, %s, %s, %s)",
                [article_id, title, keywords, body, int(internal)],
            )

    def remove(self, article_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM kb_article_fts WHERE rowid = %s", [article_id])

    def match(
        self,
        terms: Sequence[str],
        *,
        include_internal: bool,
        limit: int,
        rarity: Mapping[str, float] | None = None,
        among: Sequence[int] | None = None,
    ) -> list[tuple[int, float]]:
        if not terms:
            return []
        # Each term quoted: FTS5 operators or punctuation in a query are never syntax.
        expression = " OR ".join('"' + t.replace('"', "") + '"' for t in terms)
        # The table holds published articles only, with their `internal` flag: no join
        # with kb_article (which would cost more than the ranking itself).
        audience = "" if include_internal else "AND internal = 0 "
        sql = (
            "SELECT rowid, -bm25(kb_article_fts, %s, %s, 1.0) AS score "  # noqa: S608
            f"FROM kb_article_fts WHERE kb_article_fts MATCH %s {audience}"
            "ORDER BY score DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [TITLE_WEIGHT, KEYWORDS_WEIGHT, expression, limit])
            return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]


class PostgresFullText:
    """The tsvector column is generated from the index_* columns: writing is a no-op.

    `ts_rank` weighs how often and where (title, keywords, body) a term occurs, but not how
    rare the term is, so a query's common words would outweigh its telling ones. Each
    term is therefore ranked on its own and weighted by its rarity: a BM25-like sum.
    """

    restricts_cheaply = True
    # ts_rank weights for D (body), C (unused), B (keywords), A (title).
    _WEIGHTS = f"{{{1 / TITLE_WEIGHT}, 0.2, {KEYWORDS_WEIGHT / TITLE_WEIGHT}, 1.0}}"

    def write(
        self, article_id: int, title: str, keywords: str, body: str, *, internal: bool
    ) -> None:
        return None

    def remove(self, article_id: int) -> None:
        return None

    def match(
        self,
        terms: Sequence[str],
        *,
        include_internal: bool,
        limit: int,
        rarity: Mapping[str, float] | None = None,
        among: Sequence[int] | None = None,
    ) -> list[tuple[int, float]]:
        # Terms are single words from textid (letters and digits); quoting keeps any other
        # character from being read as tsquery syntax.
        pairs = [(term, _quoted(term)) for term in terms]
        pairs = [(term, q) for term, q in pairs if q != "''"][:32]
        if not pairs:
            return []
        quoted = [q for _term, q in pairs]
        parts = " + ".join(
            "ts_rank(%s::float4[], a.search_vector, to_tsquery('simple', %s), 1) * %s"
            for _ in quoted
        )
        params: list[str | float] = []
        for term, q in pairs:
            params += [self._WEIGHTS, q, (rarity or {}).get(term, 1.0)]
        restriction = "AND a.id = ANY(%s) " if among is not None else ""
        sql = (
            f"SELECT a.id, ({parts}) AS score FROM kb_article a "  # noqa: S608
            f"WHERE a.search_vector @@ to_tsquery('simple', %s) {restriction}"
            f"AND {_visibility_sql('a', include_internal)} "
            "ORDER BY score DESC LIMIT %s"
        )
        extra: list[list[int]] = [list(among)] if among is not None else []
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, " | ".join(quoted), *extra, limit])
            return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]


def _quoted(term: str) -> str:
    return "'" + term.replace("'", "").replace("\\", "").replace(":", "") + "'"


def fulltext() -> FullText:
    if connection.vendor == "postgresql":
        return PostgresFullText()
    return SqliteFullText()

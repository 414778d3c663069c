"""Keeping the search index in step with the articles: the full-text rows (in the same
transaction as the article) and the vectors (after commit, in the worker)."""

import hashlib
import logging
import uuid

from django.db import connection, transaction
from django.db.models import F

from sapa.kb.analysis import index_text, words
from sapa.kb.fulltext import fulltext
from sapa.kb.models import Article, ArticleEmbedding, ArticleStatus, IndexState
from sapa.kb.rendering import markdown_to_text
from sapa.semantic import Embedder, get_embedders, vector_to_bytes

logger = logging.getLogger(__name__)


def index_fields(article: Article) -> tuple[str, str, str]:
    """The textid terms of the title, the keywords (tags and examples) and the body."""
    lang = article.lang
    keywords = " ".join([*article.tags, *article.examples])
    return (
        index_text(article.title, language=lang),
        index_text(keywords, language=lang),
        index_text(markdown_to_text(article.body), language=lang),
    )


def write_fulltext(article: Article) -> None:
    """Store the analysed fields on the row and in the engine. Call inside the saving
    transaction, after the article has its id."""
    title, keywords, body = index_fields(article)
    text = " ".join([article.title, *article.tags, *article.examples, article.body])
    surface = " ".join(sorted({w for w in words(text, language=article.lang) if len(w) >= 4}))
    Article.objects.filter(pk=article.pk).update(
        index_title=title, index_keywords=keywords, index_body=body, index_words=surface
    )
    article.index_title, article.index_keywords, article.index_body = title, keywords, body
    article.index_words = surface
    sync_fulltext(article)


def sync_fulltext(article: Article) -> None:
    """The engine holds published articles only (internal ones too: search filters
    those by audience); call after a status change."""
    if article.status == ArticleStatus.PUBLISHED:
        fulltext().write(
            article.pk,
            article.index_title,
            article.index_keywords,
            article.index_body,
            internal=article.internal,
        )
    else:
        fulltext().remove(article.pk)
    bump_version()


def bump_version() -> None:
    stamp = uuid.uuid4().hex
    updated = IndexState.objects.filter(pk=1).update(version=F("version") + 1, stamp=stamp)
    if not updated:
        IndexState.objects.get_or_create(pk=1, defaults={"version": 1, "stamp": stamp})


def current_version() -> str:
    """The index's current stamp ("" before the first article)."""
    return IndexState.objects.filter(pk=1).values_list("stamp", flat=True).first() or ""


def passage_text(article: Article) -> str:
    """What the embedder reads of an article: title, tags and the plain body."""
    tags = ", ".join(article.tags)
    return f"{article.title}. {tags}. {markdown_to_text(article.body)}"


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def embed_article(article_id: int) -> int:
    """(Re)compute an article's vectors with every embedder; texts unchanged since last time
    are skipped. Returns how many texts were embedded. A no-op without embedders."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return 0
    return sum(_embed_with(embedder, article) for embedder in get_embedders())


def _embed_with(embedder: Embedder, article: Article) -> int:
    wanted = [(ArticleEmbedding.Kind.PASSAGE, passage_text(article))]
    wanted += [(ArticleEmbedding.Kind.EXAMPLE, e) for e in article.examples if e.strip()]
    existing = {
        (row.kind, row.text_hash): row
        for row in ArticleEmbedding.objects.filter(article=article, model=embedder.name)
    }
    keep = {(kind, _hash(text)) for kind, text in wanted}
    todo = [(kind, text) for kind, text in wanted if (kind, _hash(text)) not in existing]
    passages = [text for kind, text in todo if kind == ArticleEmbedding.Kind.PASSAGE]
    examples = [text for kind, text in todo if kind == ArticleEmbedding.Kind.EXAMPLE]
    # Example questions are embedded as queries: they are questions, like the searches.
    vectors = list(embedder.passages(passages)) + list(embedder.questions(examples))
    texts = [(ArticleEmbedding.Kind.PASSAGE, t) for t in passages] + [
        (ArticleEmbedding.Kind.EXAMPLE, t) for t in examples
    ]
    with transaction.atomic():
        stale = [row.pk for key, row in existing.items() if key not in keep]
        ArticleEmbedding.objects.filter(pk__in=stale).delete()
        ArticleEmbedding.objects.bulk_create(
            ArticleEmbedding(
                article=article,
                kind=kind,
                model=embedder.name,
                text_hash=_hash(text),
                vector=vector_to_bytes(vector),
            )
            for (kind, text), vector in zip(texts, vectors, strict=True)
        )
        if stale or texts:
            bump_version()
    return len(texts)


def refresh_statistics() -> None:
    """After a bulk import: PostgreSQL's planner needs fresh statistics to look articles
    up by id instead of scanning (autovacuum would get there, later)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE kb_article")

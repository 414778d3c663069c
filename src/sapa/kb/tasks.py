"""Embedding is slow (tens to hundreds of milliseconds a text): the worker does it."""

from huey.contrib.djhuey import db_task

from sapa.kb.indexing import embed_article


@db_task(retries=2, retry_delay=30)
def embed_article_task(article_id: int) -> int:
    return embed_article(article_id)

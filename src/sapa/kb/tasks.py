"""Embedding is slow (tens to hundreds of milliseconds a text): the worker does it."""

from huey.contrib.djhuey import db_task

from sapa.kb.indexing import embed_article


# Below the default priority (0): a reply waiting for delivery goes before a re-embedding.
@db_task(retries=2, retry_delay=30, priority=-10)
def embed_article_task(article_id: int) -> int:
    return embed_article(article_id)

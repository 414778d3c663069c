"""Public addresses of articles, used by search results wherever they are shown."""

from django.urls import reverse

from sapa.kb.models import Article


def article_url(article: Article) -> str:
    """`/help/id/artikel/123-cara-retur-barang` (English: `/help/en/article/...`)."""
    return reverse(
        "help:article",
        kwargs={"lang": article.lang, "article_id": article.pk, "slug": article.slug},
    )

"""A help article as a chat answer: title, the gist, the link, and the question whether it
helped."""

from django.conf import settings
from django.utils.translation import gettext as _

from sapa.kb.models import Article, ArticleStatus
from sapa.kb.search import plain_lines
from sapa.kb.urls_public import article_url

SUMMARY_CHARS = 300


def in_language(article: Article, lang: str) -> Article:
    if article.lang == lang:
        return article
    found = (
        Article.objects.filter(status=ArticleStatus.PUBLISHED, lang=lang)
        .filter(translation_of_id=article.root_id)
        .first()
    )
    if found is None and article.translation_of_id is not None:
        found = Article.objects.filter(
            pk=article.translation_of_id, lang=lang, status=ArticleStatus.PUBLISHED
        ).first()
    return found or article


def summary(article: Article) -> str:
    """The first lines of the body that are not its title, cut at a word near SUMMARY_CHARS."""
    text = ""
    for line in plain_lines(article.body):
        if line.strip("# ").lower() == article.title.lower():
            continue
        text = f"{text} {line}".strip()
        if len(text) >= SUMMARY_CHARS:
            break
    if len(text) > SUMMARY_CHARS:
        text = text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"
    return text


def article_answer(article: Article, lang: str) -> str:
    shown = in_language(article, lang)
    url = settings.SAPA_BASE_URL + article_url(shown)
    parts = [shown.title, summary(shown)]
    if shown.is_public:
        parts.append(_("Read more: %(url)s") % {"url": url})
    parts.append(_("Did this answer your question?"))
    return "\n\n".join(p for p in parts if p)

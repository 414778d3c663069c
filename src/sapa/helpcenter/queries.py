"""What the help center reads: public articles only, one per translation group, in the
page's language where a translation exists (else the original).

"Public" is published and not internal (`Article.is_public`). Every list here picks one
article per translation group, so a page never shows an article and its translation.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from sapa.kb.models import Article, ArticleStatus, Category, Section
from sapa.kb.search import related

POPULAR_LIMIT = 6
RELATED_LIMIT = 5


def public_articles() -> QuerySet[Article]:
    return Article.objects.filter(status=ArticleStatus.PUBLISHED, internal=False)


def _preference(article: Article, lang: str) -> int:
    if article.lang == lang:
        return 0
    return 1 if article.translation_of_id is None else 2


def pick_per_group(articles: Iterable[Article], lang: str) -> list[Article]:
    """One article of each translation group: the one in `lang`, else the original, else
    any. Keeps the order in which the groups first appear."""
    chosen: dict[int, Article] = {}
    for article in articles:
        current = chosen.get(article.root_id)
        if current is None or _preference(article, lang) < _preference(current, lang):
            chosen[article.root_id] = article
    return list(chosen.values())


# --- Home ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryCard:
    category: Category
    name: str
    description: str
    article_count: int


def list_category_cards(lang: str) -> list[CategoryCard]:
    """The categories that hold public articles, with how many (translations count once)."""
    groups: dict[int, set[int]] = defaultdict(set)
    rows = public_articles().values_list("section__category_id", "translation_of_id", "id")
    for category_id, original_id, article_id in rows:
        groups[category_id].add(original_id or article_id)
    return [
        CategoryCard(
            category=category,
            name=category.name_in(lang),
            description=category.description_in(lang),
            article_count=len(groups[category.pk]),
        )
        for category in Category.objects.all()
        if groups.get(category.pk)
    ]


def list_popular_articles(lang: str, *, limit: int = POPULAR_LIMIT) -> list[Article]:
    """The most viewed translation groups (views of all languages together), shown in
    `lang` where possible."""
    ranking = (
        public_articles()
        .annotate(root=Coalesce(F("translation_of_id"), F("id")))
        .values("root")
        .annotate(views=Sum("view_count"))
        .order_by("-views", "root")
    )
    top = [row["root"] for row in ranking[:limit]]
    if not top:
        return []
    members = public_articles().filter(id__in=top) | public_articles().filter(
        translation_of_id__in=top
    )
    picked = {a.root_id: a for a in pick_per_group(members.select_related("section"), lang)}
    return [picked[root] for root in top if root in picked]


# --- Category --------------------------------------------------------------------------


def find_category(slug: str) -> Category | None:
    return Category.objects.filter(slug=slug).first()


@dataclass(frozen=True)
class SectionListing:
    section: Section
    name: str
    articles: list[Article]


def list_category_sections(category: Category, lang: str) -> list[SectionListing]:
    """The category's sections that hold public articles, each with its articles."""
    sections = list(category.sections.all())
    articles = pick_per_group(
        public_articles().filter(section__category=category).order_by("position", "id"), lang
    )
    by_section: dict[int, list[Article]] = defaultdict(list)
    for article in articles:
        by_section[article.section_id].append(article)
    return [
        SectionListing(section=section, name=section.name_in(lang), articles=by_section[section.pk])
        for section in sections
        if by_section.get(section.pk)
    ]


# --- Article ---------------------------------------------------------------------------


def find_public_article(article_id: int) -> Article | None:
    """The article with its section and category; None when missing or not public."""
    return public_articles().select_related("section__category").filter(pk=article_id).first()


def list_translations(article: Article) -> dict[str, Article]:
    """The public articles of `article`'s translation group, by language (itself included)."""
    root = article.root_id
    group = public_articles().filter(pk=root) | public_articles().filter(translation_of_id=root)
    by_lang: dict[str, Article] = {}
    for member in group.only("id", "lang", "slug", "title", "translation_of_id"):
        if member.lang not in by_lang or member.pk == article.pk:
            by_lang[member.lang] = member
    return by_lang


def list_related_articles(
    article: Article, lang: str, *, limit: int = RELATED_LIMIT
) -> list[Article]:
    """The articles nearest to this one in meaning (search's vectors; full text without
    them), one per translation group, in `lang` where possible."""
    return related(article, lang=lang, limit=limit)


# --- Sitemap ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SitemapArticle:
    id: int
    lang: str
    slug: str
    updated_at: datetime


def list_sitemap_categories() -> list[tuple[str, datetime | None]]:
    """(slug, newest public article's update) of the categories with public articles."""
    public = Q(sections__articles__status=ArticleStatus.PUBLISHED) & Q(
        sections__articles__internal=False
    )
    rows = (
        Category.objects.annotate(lastmod=Max("sections__articles__updated_at", filter=public))
        .filter(lastmod__isnull=False)
        .values_list("slug", "lastmod")
    )
    return list(rows)


def list_sitemap_articles() -> list[SitemapArticle]:
    rows = public_articles().order_by("id").values_list("id", "lang", "slug", "updated_at")
    return [SitemapArticle(*row) for row in rows]

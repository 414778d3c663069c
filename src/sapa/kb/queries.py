"""Named reads of the knowledge base for the console: article lists, one article with what
its page shows, the category tree. Every agent may read every article (internal ones too);
who may change them is the actions' business."""

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from sapa.kb.models import Article, ArticleVersion, Category, Feedback, Section
from sapa.kb.search import Audience, search

# How many search hits a text query in the console list considers.
SEARCH_LIMIT = 100


@dataclass(frozen=True)
class ArticleFilters:
    """The console list's filters; empty values mean "any"."""

    status: str = ""
    lang: str = ""
    category_id: int | None = None
    internal: bool | None = None
    query: str = ""


def articles_for_console() -> QuerySet[Article]:
    """Every article with what a list row or the article page shows, without extra queries."""
    return Article.objects.select_related(
        "section__category", "translation_of", "updated_by", "author"
    )


def list_articles(filters: ArticleFilters) -> QuerySet[Article]:
    """The articles matching `filters`; with a text query, the best matches first (the
    search ranking for published articles, then title matches of the rest)."""
    queryset = articles_for_console().annotate(
        translation_count=Count("translations", distinct=True)
    )
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.lang:
        queryset = queryset.filter(lang=filters.lang)
    if filters.category_id is not None:
        queryset = queryset.filter(section__category_id=filters.category_id)
    if filters.internal is not None:
        queryset = queryset.filter(internal=filters.internal)
    if not filters.query:
        return queryset.order_by("-updated_at", "-pk")
    # Search knows published articles only; drafts and archived ones match by title.
    result = search(
        filters.query,
        lang=filters.lang or "id",
        audience=Audience.AGENTS,
        limit=SEARCH_LIMIT,
        semantic=False,
    )
    ranked = [hit.article.pk for hit in result.hits]
    rank = Case(
        *(When(pk=pk, then=Value(position)) for position, pk in enumerate(ranked)),
        default=Value(len(ranked)),
        output_field=IntegerField(),
    )
    matching = Q(pk__in=ranked) | Q(title__icontains=filters.query)
    return queryset.filter(matching).annotate(rank=rank).order_by("rank", "-updated_at", "-pk")


def translation_group(article: Article) -> list[Article]:
    """The original of `article` and all its translations (including `article`), by language."""
    root_id = article.root_id
    group = Article.objects.filter(Q(pk=root_id) | Q(translation_of_id=root_id))
    return list(group.order_by("lang", "pk"))


def list_versions(article: Article) -> QuerySet[ArticleVersion]:
    return article.versions.select_related("editor").order_by("-number")


def get_version(article: Article, number: int) -> ArticleVersion | None:
    return article.versions.select_related("editor", "article").filter(number=number).first()


def list_unhelpful_comments(article: Article, *, limit: int = 20) -> list[Feedback]:
    """The latest "not helpful" votes that came with a comment."""
    rows = article.feedback.filter(helpful=False).exclude(comment="")
    return list(rows.order_by("-created_at", "-pk")[:limit])


def category_tree() -> QuerySet[Category]:
    """Categories in order, each with its sections in order."""
    sections = Section.objects.order_by("position", "pk")
    return Category.objects.order_by("position", "pk").prefetch_related(
        Prefetch("sections", queryset=sections)
    )


def sections_by_category() -> list[tuple[Category, list[Section]]]:
    """For a grouped section picker: (category, its sections) in display order."""
    return [(category, list(category.sections.all())) for category in category_tree()]


def list_originals(*, exclude: Article | None = None) -> QuerySet[Article]:
    """Articles a translation may point at: originals, newest first."""
    queryset = Article.objects.filter(translation_of__isnull=True).order_by("title", "pk")
    if exclude is not None and exclude.pk:
        queryset = queryset.exclude(pk=exclude.pk)
    return queryset

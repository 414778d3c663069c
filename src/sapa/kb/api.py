"""`/api/v1/kb`: one search for the help center, the console, the bot and integrators;
articles for integrators who keep their help content elsewhere."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from sapa.accounts.models import Agent
from sapa.api.auth import BearerToken, request_agent
from sapa.api.schemas import ErrorOut
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, NotFound
from sapa.kb import actions
from sapa.kb.models import Article, ArticleStatus, Section
from sapa.kb.schemas import ArticleIn, ArticleOut, SearchHitOut, SearchOut
from sapa.kb.search import Audience, SearchResult, search
from sapa.kb.urls_public import article_url

router = Router(tags=["knowledge base"])


class Anonymous:
    """Lets a request without a token through as a member of the public."""

    def __call__(self, request: HttpRequest) -> object:
        return self


class SearchQuery(Schema):
    q: str = ""
    lang: str = "id"
    limit: int = 10
    semantic: bool = True


def search_out(result: SearchResult) -> SearchOut:
    return SearchOut(
        query=result.query,
        lang=result.lang,
        answered=result.answered,
        confidence=result.confidence,
        corrected=result.corrected,
        semantic=result.semantic,
        results=[
            SearchHitOut(
                id=hit.article.pk,
                group=hit.article.root_id,
                lang=hit.article.lang,
                title=hit.article.title,
                url=article_url(hit.article),
                score=hit.score,
                title_html=hit.title_html,
                snippet_html=hit.snippet_html,
                category=hit.article.section.category.name_in(hit.article.lang),
                section=hit.article.section.name_in(hit.article.lang),
                internal=hit.article.internal,
            )
            for hit in result.hits
        ],
    )


@router.get(
    "/search",
    response={200: SearchOut, 422: ErrorOut},
    auth=[BearerToken(), Anonymous()],
    summary="Search articles",
)
def search_articles(request: HttpRequest, params: Query[SearchQuery]) -> SearchOut:
    """Public articles for anyone; with an agent's token, internal ones too. `answered`
    is false when the best match is not confident (show "no answer", offer a request)."""
    if params.lang not in ("id", "en"):
        raise InvalidInput(_("Unknown language."), loc=["query", "lang"])
    audience = Audience.AGENTS if isinstance(request.auth, Agent) else Audience.PUBLIC  # type: ignore[attr-defined]
    result = search(
        params.q,
        lang=params.lang,
        audience=audience,
        limit=max(1, min(params.limit, 50)),
        semantic=params.semantic,
    )
    if audience == Audience.PUBLIC:
        actions.record_search(
            result.query,
            lang=params.lang,
            results=len(result.hits),
            answered=result.answered,
            source="api",
            top=result.hits[0].article if result.hits else None,
        )
    return search_out(result)


def article_out(article: Article) -> ArticleOut:
    return ArticleOut(
        id=article.pk,
        group=article.root_id,
        section=article.section_id,
        lang=article.lang,
        translation_of=article.translation_of_id,
        title=article.title,
        slug=article.slug,
        url=article_url(article),
        body=article.body,
        body_html=article.body_html,
        tags=article.tags,
        examples=article.examples,
        status=article.status,
        internal=article.internal,
        updated_at=article.updated_at,
        published_at=article.published_at,
        view_count=article.view_count,
        helpful_yes=article.helpful_yes,
        helpful_no=article.helpful_no,
    )


def _draft(payload: ArticleIn) -> actions.ArticleDraft:
    section = Section.objects.filter(pk=payload.section).first()
    if section is None:
        raise InvalidInput(_("No such section."), loc=["body", "section"])
    original = None
    if payload.translation_of is not None:
        original = Article.objects.filter(pk=payload.translation_of).first()
        if original is None:
            raise InvalidInput(_("No such article."), loc=["body", "translation_of"])
    return actions.ArticleDraft(
        section=section,
        title=payload.title,
        body=payload.body,
        lang=payload.lang,
        tags=payload.tags,
        examples=payload.examples,
        internal=payload.internal,
        status=payload.status,
        translation_of=original,
        position=payload.position,
        note=payload.note,
    )


@router.get("/articles/{article_id}", response={200: ArticleOut, 404: ErrorOut})
def get_article(request: HttpRequest, article_id: int) -> ArticleOut:
    request_agent(request)
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        raise NotFound()
    return article_out(article)


@router.post("/articles", response={201: ArticleOut, 403: ErrorOut, 422: ErrorOut})
def create_article(request: HttpRequest, payload: ArticleIn) -> Status[ArticleOut]:
    actor = Actor.integration(request_agent(request))
    return Status(201, article_out(actions.save_article(actor, _draft(payload))))


@router.put(
    "/articles/{article_id}",
    response={200: ArticleOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def update_article(request: HttpRequest, article_id: int, payload: ArticleIn) -> ArticleOut:
    actor = Actor.integration(request_agent(request))
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        raise NotFound()
    return article_out(actions.save_article(actor, _draft(payload), article=article))


__all__ = ["ArticleStatus", "router"]

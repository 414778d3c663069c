"""The public help center: home, categories, articles, search, the sitemap and the shop's
colour. Anonymous visitors; the page's language comes from the URL, never the browser
(except for the bare /help/, which picks one)."""

import re
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from sapa.conversations.attachment_files import file_response
from sapa.helpcenter import queries
from sapa.helpcenter.branding import PUBLIC_LANGUAGES, branding, public_language
from sapa.kb import actions
from sapa.kb.models import Article, ArticleAttachment, ArticleStatus
from sapa.kb.search import Hit, search

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
# Written in the language they lead to, whatever the page's language.
READ_IN = {"id": "Baca dalam Bahasa Indonesia", "en": "Read in English"}
FULL_RESULTS = 10
INSTANT_RESULTS = 6
# The vote just cast, shown once on the article page the vote redirects to.
FEEDBACK_SESSION_KEY = "help_feedback"


def _other(lang: str) -> str:
    return "en" if lang == "id" else "id"


def _article_url(article: Article, lang: str) -> str:
    return reverse(
        "help:article", kwargs={"lang": lang, "article_id": article.pk, "slug": article.slug}
    )


def _page(
    request: HttpRequest, template: str, lang: str, context: dict[str, Any], *, switch_url: str
) -> HttpResponse:
    """Render in the page's language; `switch_url` is this page in the other language."""
    with translation.override(lang):
        request.LANGUAGE_CODE = lang
        response = render(
            request,
            template,
            {
                "lang": lang,
                "brand": branding(),
                "other_lang": _other(lang),
                "other_lang_name": LANGUAGE_NAMES[_other(lang)],
                "switch_url": switch_url,
                **context,
            },
        )
    response["Content-Language"] = lang
    return response


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """/help/ → the home page in the browser's language (Indonesian unless it prefers English)."""
    lang = public_language(translation.get_language_from_request(request))
    response = redirect("help:home", lang=lang)
    patch_vary_headers(response, ["Accept-Language"])
    return response


@require_GET
def home(request: HttpRequest, lang: str) -> HttpResponse:
    context = {
        "categories": queries.list_category_cards(lang),
        "popular": queries.list_popular_articles(lang),
    }
    switch_url = reverse("help:home", kwargs={"lang": _other(lang)})
    return _page(request, "helpcenter/home.html", lang, context, switch_url=switch_url)


@require_GET
def category(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    found = queries.find_category(slug)
    if found is None:
        raise Http404
    context = {
        "category": found,
        "name": found.name_in(lang),
        "description": found.description_in(lang),
        "sections": queries.list_category_sections(found, lang),
    }
    switch_url = reverse("help:category", kwargs={"lang": _other(lang), "slug": slug})
    return _page(request, "helpcenter/category.html", lang, context, switch_url=switch_url)


@require_GET
def article(request: HttpRequest, lang: str, article_id: int, slug: str) -> HttpResponse:
    """An article; a translation in the page's language replaces it, a wrong slug 301s."""
    found = queries.find_public_article(article_id)
    if found is None:
        raise Http404
    translations = queries.list_translations(found)
    suffix = f"?{urlencode({'s': request.GET['s']})}" if request.GET.get("s") else ""
    if found.lang != lang and lang in translations:
        return redirect(_article_url(translations[lang], lang) + suffix)
    if slug != found.slug:
        return redirect(_article_url(found, lang) + suffix, permanent=True)
    feedback = _pop_feedback(request, found)
    if feedback is None:  # not the page a vote redirects to: a real view
        actions.record_view(found, suggested_in=request.GET.get("s", ""))
    other = _other(lang)
    translation_of_page = translations.get(other)
    if translation_of_page is not None and translation_of_page.pk == found.pk:
        translation_of_page = None
    context = {
        "article": found,
        "category_name": found.section.category.name_in(lang),
        "section_name": found.section.name_in(lang),
        "article_language_name": LANGUAGE_NAMES.get(found.lang, found.lang),
        "translation": translation_of_page,
        "translation_label": READ_IN[other],
        "related": queries.list_related_articles(found, lang),
        "feedback": feedback,
    }
    switch_url = _article_url(translations.get(other, found), other)
    return _page(request, "helpcenter/article.html", lang, context, switch_url=switch_url)


@dataclass(frozen=True)
class Feedback:
    helpful: bool
    commented: bool


def _pop_feedback(request: HttpRequest, article: Article) -> Feedback | None:
    stored = request.session.pop(FEEDBACK_SESSION_KEY, None)
    if not isinstance(stored, dict) or stored.get("article") != article.pk:
        return None
    return Feedback(helpful=bool(stored.get("helpful")), commented=bool(stored.get("commented")))


@require_POST
def article_vote(request: HttpRequest, lang: str, article_id: int) -> HttpResponse:
    """ "Was this article helpful?": Yes / No, then an optional comment. Works without JS."""
    found = queries.find_public_article(article_id)
    if found is None:
        raise Http404
    answer = request.POST.get("helpful")
    if answer in ("yes", "no"):
        if request.session.session_key is None:
            request.session.create()
        comment = request.POST.get("comment", "")
        actions.vote(
            found,
            helpful=answer == "yes",
            visitor=actions.visitor_key(request.session.session_key or ""),
            comment=comment,
        )
        request.session[FEEDBACK_SESSION_KEY] = {
            "article": found.pk,
            "helpful": answer == "yes",
            "commented": bool(comment.strip()),
        }
    response = HttpResponseRedirect(f"{_article_url(found, lang)}#feedback")
    response.status_code = 303  # see the page again with GET
    return response


@dataclass(frozen=True)
class ResultRow:
    hit: Hit
    url: str
    category_name: str
    section_name: str


def _rows(hits: list[Hit], lang: str) -> list[ResultRow]:
    return [
        ResultRow(
            hit=hit,
            url=_article_url(hit.article, lang),
            category_name=hit.article.section.category.name_in(lang),
            section_name=hit.article.section.name_in(lang),
        )
        for hit in hits
    ]


def _query(request: HttpRequest) -> str:
    return " ".join(request.GET.get("q", "").split())[:200]


@require_GET
def search_page(request: HttpRequest, lang: str) -> HttpResponse:
    """Full search (semantic when the embedder is loaded); every search is recorded."""
    query = _query(request)
    context: dict[str, Any] = {"query": query, "result": None, "rows": []}
    if query:
        result = search(query, lang=lang, limit=FULL_RESULTS, semantic=True)
        actions.record_search(
            query,
            lang=lang,
            results=len(result.hits),
            answered=result.answered,
            source="help",
            top=result.hits[0].article if result.hits else None,
        )
        context.update(result=result, rows=_rows(result.hits, lang))
    switch_url = reverse("help:search", kwargs={"lang": _other(lang)})
    if query:
        switch_url += f"?{urlencode({'q': query})}"
    return _page(request, "helpcenter/search.html", lang, context, switch_url=switch_url)


@require_GET
def search_results(request: HttpRequest, lang: str) -> HttpResponse:
    """The htmx fragment of instant results while typing: full-text only, not recorded."""
    query = _query(request)
    context: dict[str, Any] = {"lang": lang, "query": query, "result": None, "rows": []}
    if query:
        result = search(query, lang=lang, limit=INSTANT_RESULTS, semantic=False)
        context.update(result=result, rows=_rows(result.hits, lang), instant=True)
    with translation.override(lang):
        response = render(request, "helpcenter/_results.html", context)
    response["Content-Language"] = lang
    return response


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    """Home and category pages in both languages, and every public article."""
    entries: list[tuple[str, Any]] = []
    articles = queries.list_sitemap_articles()
    newest = max((a.updated_at for a in articles), default=None)
    for lang in PUBLIC_LANGUAGES:
        entries.append((reverse("help:home", kwargs={"lang": lang}), newest))
        for slug, lastmod in queries.list_sitemap_categories():
            entries.append((reverse("help:category", kwargs={"lang": lang, "slug": slug}), lastmod))
    for item in articles:
        url = reverse(
            "help:article", kwargs={"lang": item.lang, "article_id": item.id, "slug": item.slug}
        )
        entries.append((url, item.updated_at))
    urls = [(request.build_absolute_uri(path), lastmod) for path, lastmod in entries]
    return render(
        request,
        "helpcenter/sitemap.xml",
        {"urls": urls},
        content_type="application/xml; charset=utf-8",
    )


_HEX_COLOUR = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
DEFAULT_COLOUR = "#0f766e"


def _luminance(colour: str) -> float:
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = []
    for i in (0, 2, 4):
        c = int(digits[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


@require_GET
def brand_css(request: HttpRequest) -> HttpResponse:
    """`:root{--brand:…}` from SAPA_SHOP_COLOUR (a strict CSP forbids inline styles).

    --brand-ink is the text colour on a --brand background and --brand-text the brand as a
    text colour on white, each chosen for a contrast of at least 4.5:1.
    """
    colour = branding().colour.strip()
    if not _HEX_COLOUR.fullmatch(colour):
        colour = DEFAULT_COLOUR
    dark_enough = 1.05 / (_luminance(colour) + 0.05) >= 4.5
    ink = "#ffffff" if dark_enough else "#111827"
    text = colour if dark_enough else "#1f2937"
    css = f":root{{--brand:{colour};--brand-ink:{ink};--brand-text:{text}}}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def article_file(request: HttpRequest, attachment_id: int, filename: str) -> FileResponse:
    """An image or file of a public article (what `![alt](/help/files/...)` points at).
    Files of drafts, archived and internal articles are not found."""
    found = ArticleAttachment.objects.filter(
        pk=attachment_id, article__status=ArticleStatus.PUBLISHED, article__internal=False
    ).first()
    if found is None:
        raise Http404()
    return file_response(
        found.file, filename=found.filename, content_type=found.content_type, cache_seconds=3600
    )

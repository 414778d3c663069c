"""The knowledge base in the console: every agent reads articles (internal ones too) and
inserts links to them in replies; editors (EDIT_ARTICLES) write, publish and archive them
and their categories; VIEW_REPORTS sees the help-center deflection report.

Reads come from `sapa.kb.queries` and `sapa.kb.reports`, every write from `sapa.kb.actions`.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission, has_permission
from sapa.conversations.attachment_files import INLINE_TYPES, file_response
from sapa.core import exceptions
from sapa.core.actors import Actor
from sapa.kb import actions, queries, reports
from sapa.kb.models import (
    LANGUAGES,
    Article,
    ArticleAttachment,
    ArticleStatus,
    Category,
    Section,
)
from sapa.kb.rendering import render_markdown
from sapa.kb.search import Audience, search
from sapa.kb.urls_public import article_url
from sapa.web.kb_forms import (
    ArticleFilterForm,
    ArticleForm,
    AttachmentForm,
    CategoryForm,
    ReportForm,
    SectionForm,
)
from sapa.web.requests import request_agent
from sapa.web.views.access import agent_with, found

PAGE_SIZE = 50
INSERT_LIMIT = 8


def _editor(request: HttpRequest) -> Agent:
    return agent_with(request, Permission.EDIT_ARTICLES)


def _apply_error(form: forms.Form, error: exceptions.SapaError) -> None:
    """Put a domain error on the field its `loc` ends with, or on the form."""
    if isinstance(error, exceptions.PermissionDenied):
        raise PermissionDenied() from error
    loc = getattr(error, "loc", [])
    name = str(loc[-1]) if loc else ""
    form.add_error(name if name in form.fields else None, str(error.message))


def _public_url(article: Article) -> str:
    return settings.SAPA_BASE_URL + article_url(article)


# --- articles -------------------------------------------------------------------------


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    """Every article, filtered by status, language, category, audience or a text query."""
    agent = request_agent(request)
    form = ArticleFilterForm(request.GET)
    page = Paginator(queries.list_articles(form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "section": "articles",
        "form": form,
        "page": page,
        "filter_query": params.urlencode(),
        "can_edit": has_permission(agent, Permission.EDIT_ARTICLES),
    }
    return render(request, "web/kb/list.html", context)


def _article_form(
    request: HttpRequest, editor: Agent, form: ArticleForm, article: Article | None
) -> HttpResponse:
    """Save (as a draft or published) or preview the posted form; else show it."""
    preview = None
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "draft")
        if action == "preview":
            preview = render_markdown(form.cleaned_data["body"])
        else:
            status = ArticleStatus.PUBLISHED if action == "publish" else ArticleStatus.DRAFT
            position = article.position if article else 0
            try:
                saved = actions.save_article(
                    Actor.for_agent(editor),
                    form.draft(status=status, position=position),
                    article=article,
                )
            except exceptions.SapaError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("“%(title)s” was saved.") % {"title": saved.title})
                return redirect("web:kb_article", article_id=saved.pk)
    context = {"section": "articles", "form": form, "article": article, "preview": preview}
    return render(request, "web/kb/article_form.html", context, status=422 if form.errors else 200)


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    """A new article; `?translation_of=<id>&lang=en` starts a translation of an original."""
    editor = _editor(request)
    if request.method == "POST":
        return _article_form(request, editor, ArticleForm(request.POST), None)
    initial: dict[str, object] = {"lang": request.GET.get("lang", "id")}
    original_id = request.GET.get("translation_of", "")
    original = (
        queries.list_originals().filter(pk=original_id).first() if original_id.isdigit() else None
    )
    if original is not None:
        initial |= {
            "translation_of": original.pk,
            "section": original.section_id,
            "tags": ", ".join(original.tags),
            "internal": original.internal,
        }
    return _article_form(request, editor, ArticleForm(initial=initial), None)


@login_required
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    editor = _editor(request)
    article = found(queries.articles_for_console(), article_id)
    if request.method == "POST":
        form = ArticleForm(request.POST, article=article)
    else:
        form = ArticleForm.for_article(article)
    return _article_form(request, editor, form, article)


@login_required
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    """The article as rendered, its translations, versions, attachments and complaints."""
    agent = request_agent(request)
    article = found(queries.articles_for_console(), article_id)
    translations = queries.translation_group(article)
    present = {row.lang for row in translations}
    attachments = article.attachments.select_related("uploaded_by").order_by("-created_at")
    context = {
        "section": "articles",
        "article": article,
        "translations": translations,
        "missing_languages": [(code, name) for code, name in LANGUAGES if code not in present],
        "root_id": article.root_id,
        "versions": queries.list_versions(article),
        "attachments": [(row, _markdown_snippet(request, row)) for row in attachments],
        "unhelpful": queries.list_unhelpful_comments(article),
        "public_url": _public_url(article) if article.is_public else "",
        "can_edit": has_permission(agent, Permission.EDIT_ARTICLES),
        "upload_form": AttachmentForm(),
        "max_upload_mb": max(1, settings.SAPA_KB_MAX_ATTACHMENT_BYTES // (1024 * 1024)),
    }
    return render(request, "web/kb/article.html", context)


@login_required
@require_POST
def article_status(request: HttpRequest, article_id: int) -> HttpResponse:
    """Publish, archive or return to draft, without changing the text."""
    editor = _editor(request)
    article = found(Article.objects.all(), article_id)
    try:
        actions.set_status(Actor.for_agent(editor), article, request.POST.get("status", ""))
    except exceptions.PermissionDenied as error:
        raise PermissionDenied() from error
    except exceptions.SapaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The article's status was changed."))
    return redirect("web:kb_article", article_id=article.pk)


@login_required
def version_detail(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    agent = request_agent(request)
    article = found(queries.articles_for_console(), article_id)
    version = queries.get_version(article, number)
    if version is None:
        raise Http404()
    context = {
        "section": "articles",
        "article": article,
        "version": version,
        "body_html": render_markdown(version.body),
        "can_edit": has_permission(agent, Permission.EDIT_ARTICLES),
    }
    return render(request, "web/kb/version.html", context)


@login_required
@require_POST
def version_restore(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    editor = _editor(request)
    article = found(Article.objects.all(), article_id)
    version = queries.get_version(article, number)
    if version is None:
        raise Http404()
    try:
        actions.restore_version(Actor.for_agent(editor), version)
    except exceptions.PermissionDenied as error:
        raise PermissionDenied() from error
    except exceptions.SapaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Version %(number)s was restored.") % {"number": number})
    return redirect("web:kb_article", article_id=article.pk)


# --- attachments ----------------------------------------------------------------------


def _markdown_snippet(request: HttpRequest, attachment: ArticleAttachment) -> str:
    # The public address: it works in the help center (published articles only) and in
    # the console's preview alike.
    url = reverse("help:file", args=[attachment.pk, attachment.filename])
    name = attachment.filename.replace("[", "").replace("]", "")
    if attachment.content_type in INLINE_TYPES:
        return f"![{name}]({url})"
    return f"[{name}]({url})"


@login_required
@require_POST
def attachment_upload(request: HttpRequest, article_id: int) -> HttpResponse:
    editor = _editor(request)
    article = found(Article.objects.all(), article_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect("web:kb_article", article_id=article.pk)
    upload = form.cleaned_data["file"]
    # One byte over the limit is enough for the action to refuse it.
    content = upload.read(settings.SAPA_KB_MAX_ATTACHMENT_BYTES + 1)
    try:
        attachment = actions.attach_file(
            Actor.for_agent(editor),
            article,
            content=content,
            filename=upload.name or "file",
            content_type=upload.content_type or "application/octet-stream",
        )
    except exceptions.PermissionDenied as error:
        raise PermissionDenied() from error
    except exceptions.SapaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(name)s was uploaded.") % {"name": attachment.filename})
    return redirect("web:kb_article", article_id=article.pk)


@login_required
@require_GET
def attachment_file(request: HttpRequest, attachment_id: int) -> FileResponse:
    """An article's file, for any signed-in agent (articles are readable by all agents)."""
    attachment = found(ArticleAttachment.objects.all(), attachment_id)
    return file_response(
        attachment.file, filename=attachment.filename, content_type=attachment.content_type
    )


# --- categories and sections ----------------------------------------------------------


@login_required
def categories(request: HttpRequest) -> HttpResponse:
    """The category tree with forms to add, rename and reorder (by position numbers)."""
    editor = _editor(request)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            category = actions.save_category(
                Actor.for_agent(editor),
                name=data["name"],
                name_en=data["name_en"],
                position=data["position"],
            )
        except exceptions.SapaError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Category %(name)s was added.") % {"name": category.name})
            return redirect("web:kb_categories")
    tree = [
        (
            category,
            CategoryForm.for_category(category),
            [(section, SectionForm.for_section(section)) for section in category.sections.all()],
        )
        for category in queries.category_tree()
    ]
    context = {"section": "categories", "tree": tree, "form": form, "section_form": SectionForm()}
    return render(request, "web/kb/categories.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def category_update(request: HttpRequest, category_id: int) -> HttpResponse:
    editor = _editor(request)
    category = found(Category.objects.all(), category_id)
    form = CategoryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the category a name and a position."))
        return redirect("web:kb_categories")
    data = form.cleaned_data
    # The slug, descriptions and icon are kept: public addresses do not change on a rename.
    actions.save_category(
        Actor.for_agent(editor),
        category=category,
        name=data["name"],
        name_en=data["name_en"],
        position=data["position"],
        slug=category.slug,
        description=category.description,
        description_en=category.description_en,
        icon=category.icon,
    )
    messages.success(request, _("Category %(name)s was saved.") % {"name": data["name"]})
    return redirect("web:kb_categories")


@login_required
@require_POST
def section_add(request: HttpRequest, category_id: int) -> HttpResponse:
    editor = _editor(request)
    category = found(Category.objects.all(), category_id)
    form = SectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the section a name and a position."))
        return redirect("web:kb_categories")
    data = form.cleaned_data
    section = actions.save_section(
        Actor.for_agent(editor),
        category,
        name=data["name"],
        name_en=data["name_en"],
        position=data["position"],
    )
    messages.success(request, _("Section %(name)s was added.") % {"name": section.name})
    return redirect("web:kb_categories")


@login_required
@require_POST
def section_update(request: HttpRequest, section_id: int) -> HttpResponse:
    editor = _editor(request)
    section = found(Section.objects.select_related("category"), section_id)
    form = SectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the section a name and a position."))
        return redirect("web:kb_categories")
    data = form.cleaned_data
    actions.save_section(
        Actor.for_agent(editor),
        data["category"] or section.category,
        section=section,
        name=data["name"],
        name_en=data["name_en"],
        position=data["position"],
        slug=section.slug,
    )
    messages.success(request, _("Section %(name)s was saved.") % {"name": data["name"]})
    return redirect("web:kb_categories")


# --- the report and the composer's article picker -------------------------------------


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """Help-center deflection: views, searches, unanswered queries, votes, request forms."""
    agent_with(request, Permission.VIEW_REPORTS)
    form = ReportForm(request.GET)
    context = {
        "section": "report",
        "form": form,
        "report": reports.deflection_report(days=form.period_days()),
    }
    return render(request, "web/kb/report.html", context)


@login_required
@require_GET
def insert_results(request: HttpRequest) -> HttpResponse:
    """The composer's "Insert article" fragment: articles matching `q`, each with the
    "Title: public address" line it inserts. Internal articles are listed to read, never to
    insert: a customer could not open them."""
    query = request.GET.get("q", "").strip()[:200]
    lang = request.GET.get("lang", "")
    if lang not in {code for code, _name in LANGUAGES}:
        lang = "id"
    hits = []
    if query:
        result = search(
            query, lang=lang, audience=Audience.AGENTS, limit=INSERT_LIMIT, semantic=False
        )
        hits = [
            (
                hit,
                f"{hit.article.title}: {_public_url(hit.article)}" if hit.article.is_public else "",
            )
            for hit in result.hits
        ]
    return render(request, "web/kb/insert_results.html", {"query": query, "hits": hits})

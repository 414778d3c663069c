"""Every change to the knowledge base and every figure it records goes through here."""

import hashlib
import mimetypes
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from sapa.accounts.permissions import Permission, require
from sapa.conversations.attachment_files import looks_like, store_file
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.kb import indexing
from sapa.kb.models import (
    LANGUAGES,
    Article,
    ArticleAttachment,
    ArticleStatus,
    ArticleVersion,
    Category,
    Event,
    EventKind,
    Feedback,
    Section,
)
from sapa.kb.rendering import render_markdown
from sapa.textid import search_terms

_LANGS = {code for code, _name in LANGUAGES}


def save_category(
    actor: Actor,
    *,
    name: str,
    slug: str = "",
    name_en: str = "",
    description: str = "",
    description_en: str = "",
    icon: str = "",
    position: int = 0,
    category: Category | None = None,
) -> Category:
    require(actor, Permission.EDIT_ARTICLES)
    if not name.strip():
        raise InvalidInput(_("A category needs a name."), loc=["body", "name"])
    with transaction.atomic():
        category = category or Category()
        category.name, category.name_en = name.strip(), name_en.strip()
        category.description, category.description_en = description, description_en
        category.icon, category.position = icon, position
        category.slug = slugify(slug or name)[:80] or "kategori"
        category.save()
        record_event(actor, "kb.category_saved", category, after={"name": category.name})
    return category


def save_section(
    actor: Actor,
    category: Category,
    *,
    name: str,
    slug: str = "",
    name_en: str = "",
    position: int = 0,
    section: Section | None = None,
) -> Section:
    require(actor, Permission.EDIT_ARTICLES)
    if not name.strip():
        raise InvalidInput(_("A section needs a name."), loc=["body", "name"])
    with transaction.atomic():
        section = section or Section()
        section.category = category
        section.name, section.name_en, section.position = name.strip(), name_en.strip(), position
        section.slug = slugify(slug or name)[:80] or "bagian"
        section.save()
        record_event(actor, "kb.section_saved", section, after={"name": section.name})
    return section


@dataclass
class ArticleDraft:
    """What an editor submits for an article; `save_article` checks and stores it."""

    section: Section
    title: str
    body: str
    lang: str = "id"
    tags: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    internal: bool = False
    status: str = ArticleStatus.DRAFT
    translation_of: Article | None = None
    position: int = 0
    note: str = ""


def _clean_list(values: list[str], *, limit: int, length: int) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        cleaned = " ".join(str(value).split())[:length]
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)[:limit]


def _check(draft: ArticleDraft, article: Article | None) -> None:
    if not draft.title.strip():
        raise InvalidInput(_("An article needs a title."), loc=["body", "title"])
    if not draft.body.strip():
        raise InvalidInput(_("An article needs a body."), loc=["body", "body"])
    if draft.lang not in _LANGS:
        raise InvalidInput(_("Unknown language."), loc=["body", "lang"])
    if draft.status not in ArticleStatus.values:
        raise InvalidInput(_("Unknown status."), loc=["body", "status"])
    original = draft.translation_of
    if original is not None:
        if original.translation_of_id is not None or (article and original.pk == article.pk):
            raise InvalidInput(
                _("A translation must point at an original article."),
                loc=["body", "translation_of"],
            )
        if original.lang == draft.lang:
            raise InvalidInput(
                _("A translation must be in another language than its original."),
                loc=["body", "lang"],
            )
        taken = Article.objects.filter(translation_of=original, lang=draft.lang)
        if article is not None:
            taken = taken.exclude(pk=article.pk)
        if taken.exists():
            raise InvalidInput(
                _("This article already has a translation in that language."),
                loc=["body", "lang"],
            )


def save_article(actor: Actor, draft: ArticleDraft, *, article: Article | None = None) -> Article:
    """Create or update an article: renders the body, records a version, updates the
    full-text index in the same transaction and re-embeds it after commit."""
    require(actor, Permission.EDIT_ARTICLES)
    _check(draft, article)
    with transaction.atomic():
        creating = article is None
        if article is None:
            article = Article(author=actor.agent)
        else:
            article = Article.objects.select_for_update().get(pk=article.pk)
        before = {"status": article.status, "title": article.title}
        article.section = draft.section
        article.lang = draft.lang
        article.translation_of = draft.translation_of
        article.title = draft.title.strip()[:200]
        article.slug = slugify(article.title)[:120] or "artikel"
        article.body = draft.body
        article.body_html = render_markdown(draft.body)
        article.tags = _clean_list(draft.tags, limit=20, length=40)
        article.examples = _clean_list(draft.examples, limit=30, length=300)
        article.internal = draft.internal
        article.position = draft.position
        if draft.status == ArticleStatus.PUBLISHED and article.status != draft.status:
            article.published_at = clock.now()
        article.status = draft.status
        article.updated_by = actor.agent
        article.save()
        _record_version(actor, article, draft.note)
        indexing.write_fulltext(article)
        record_event(
            actor,
            "kb.article_created" if creating else "kb.article_updated",
            article,
            before={} if creating else before,
            after={"status": article.status, "title": article.title},
        )
        _embed_after_commit(article.pk)
    return article


def set_status(actor: Actor, article: Article, status: str, *, note: str = "") -> Article:
    """Publish, archive or return an article to draft."""
    require(actor, Permission.EDIT_ARTICLES)
    if status not in ArticleStatus.values:
        raise InvalidInput(_("Unknown status."), loc=["body", "status"])
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status == status:
            return article
        before = article.status
        article.status = status
        if status == ArticleStatus.PUBLISHED:
            article.published_at = clock.now()
        article.updated_by = actor.agent
        article.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
        _record_version(actor, article, note)
        indexing.sync_fulltext(article)
        record_event(
            actor, "kb.article_status", article, before={"status": before}, after={"status": status}
        )
    return article


def restore_version(actor: Actor, version: ArticleVersion) -> Article:
    """Bring back what an earlier version said (as a new version; history is kept)."""
    article = version.article
    draft = ArticleDraft(
        section=article.section,
        title=version.title,
        body=version.body,
        lang=article.lang,
        tags=list(version.tags),
        examples=list(version.examples),
        internal=version.internal,
        status=article.status,
        translation_of=article.translation_of,
        position=article.position,
        note=str(_("Restored version %(number)s") % {"number": version.number}),
    )
    return save_article(actor, draft, article=article)


# How many example phrasings an article keeps, and how long each may be.
MAX_EXAMPLES = 30
MAX_EXAMPLE_CHARS = 300


def add_example(actor: Actor, article: Article, *, text: str, note: str = "") -> Article:
    """Add a customer's own phrasing to the article's examples (search and the bot learn
    from them), as a new version with `note`. Raises PermissionDenied, or InvalidInput (loc
    body.text) when the text is empty, already an example, or the article has no room."""
    require(actor, Permission.EDIT_ARTICLES)
    example = " ".join(text.split())[:MAX_EXAMPLE_CHARS]
    if not example:
        raise InvalidInput(_("There is no text to add."), loc=["body", "text"])
    with transaction.atomic():
        # Locked and read afresh: two examples added at once both stay.
        article = Article.objects.select_for_update().get(pk=article.pk)
        if example in article.examples:
            raise InvalidInput(_("The article already has this example."), loc=["body", "text"])
        if len(article.examples) >= MAX_EXAMPLES:
            raise InvalidInput(
                _("The article already has %(count)d examples; remove one first.")
                % {"count": MAX_EXAMPLES},
                loc=["body", "text"],
            )
        draft = ArticleDraft(
            section=article.section,
            title=article.title,
            body=article.body,
            lang=article.lang,
            tags=list(article.tags),
            examples=[*article.examples, example],
            internal=article.internal,
            status=article.status,
            translation_of=article.translation_of,
            position=article.position,
            note=note,
        )
        return save_article(actor, draft, article=article)


def _record_version(actor: Actor, article: Article, note: str) -> None:
    last = article.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ArticleVersion.objects.create(
        article=article,
        number=last + 1,
        title=article.title,
        body=article.body,
        tags=article.tags,
        examples=article.examples,
        status=article.status,
        internal=article.internal,
        editor=actor.agent,
        note=note[:200],
    )


def _embed_after_commit(article_id: int) -> None:
    from sapa.kb.tasks import embed_article_task

    transaction.on_commit(lambda: embed_article_task(article_id))


ARTICLE_FILE_TYPES = {
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
}


def attach_file(
    actor: Actor, article: Article, *, content: bytes, filename: str, content_type: str
) -> ArticleAttachment:
    require(actor, Permission.EDIT_ARTICLES)
    if len(content) > settings.SAPA_KB_MAX_ATTACHMENT_BYTES:
        raise InvalidInput(_("The file is too large."), loc=["body", "file"])
    if not content:
        raise InvalidInput(_("The file is empty."), loc=["body", "file"])
    declared = content_type.split(";")[0].strip().lower() or (
        mimetypes.guess_type(filename)[0] or ""
    )
    if declared not in ARTICLE_FILE_TYPES or not looks_like(content, declared):
        raise InvalidInput(
            _("Images (PNG, JPEG, GIF, WebP), PDF and text files only."), loc=["body", "file"]
        )
    stored = store_file(content, filename=filename, content_type=declared)
    with transaction.atomic():
        attachment = ArticleAttachment.objects.create(
            article=article,
            file=stored.path,
            filename=stored.filename,
            content_type=declared,
            size_bytes=stored.size_bytes,
            sha256=stored.sha256,
            uploaded_by=actor.agent,
        )
        record_event(actor, "kb.attachment_added", article, after={"file": stored.filename})
    return attachment


# --- What visitors do: counted, never audited --------------------------------------------


def visitor_key(session_key: str) -> str:
    """A stable, non-reversible key for a visitor's session."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:kb:{session_key}".encode()).hexdigest()


def record_view(article: Article, *, suggested_in: str = "") -> None:
    """Count a view; `suggested_in` is the request-form session whose suggestions the
    visitor followed to get here (the deflection report counts those sessions)."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    Event.objects.create(kind=EventKind.VIEW, article=article, lang=article.lang)
    if suggested_in:
        Event.objects.create(
            kind=EventKind.SUGGESTION_OPENED, article=article, session=suggested_in[:64]
        )


def record_search(
    query: str,
    *,
    lang: str,
    results: int,
    answered: bool,
    source: str,
    session: str = "",
    top: Article | None = None,
) -> None:
    query = " ".join(query.split())[:200]
    if not query:
        return
    Event.objects.create(
        kind=EventKind.SEARCH,
        query=query,
        normalised=search_terms(query)[:200],
        lang=lang,
        results=results,
        answered=answered,
        article=top,
        source=source[:16],
        session=session[:64],
    )


def record_request_submitted(*, session: str) -> None:
    if session:
        Event.objects.create(kind=EventKind.REQUEST_SUBMITTED, session=session[:64])


def vote(article: Article, *, helpful: bool, visitor: str, comment: str = "") -> Feedback:
    """One vote per visitor and article: voting again changes the vote."""
    comment = comment.strip()[:2000]
    with transaction.atomic():
        existing = (
            Feedback.objects.select_for_update().filter(article=article, visitor=visitor).first()
        )
        if existing is None:
            feedback = Feedback.objects.create(
                article=article, helpful=helpful, visitor=visitor, comment=comment
            )
            field_name = "helpful_yes" if helpful else "helpful_no"
            Article.objects.filter(pk=article.pk).update(**{field_name: F(field_name) + 1})
            return feedback
        if existing.helpful != helpful:
            old, new = (
                ("helpful_yes", "helpful_no") if existing.helpful else ("helpful_no", "helpful_yes")
            )
            Article.objects.filter(pk=article.pk).update(**{old: F(old) - 1, new: F(new) + 1})
        existing.helpful = helpful
        if comment:
            existing.comment = comment
        existing.save(update_fields=["helpful", "comment"])
        return existing

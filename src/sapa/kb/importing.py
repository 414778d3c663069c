"""Importing articles from JSON lines (another help center's export, or an evaluation set).

One object a line: `id`, `lang`, `title`, `body` (Markdown), optional `tags`, `examples`,
`translation_of` (the `id` of the original), `category`, `section`, `status` (published by
default). Importing the same `id` again updates that article.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.text import slugify

from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.kb import actions
from sapa.kb.indexing import embed_article, refresh_statistics
from sapa.kb.models import Article, ArticleStatus, Category, Section

DEFAULT_CATEGORY = "Umum"


@dataclass(frozen=True)
class ImportReport:
    # External id → Sapa article id.
    ids: dict[str, int]
    embedded: int


def read_json_lines(lines: Iterable[str]) -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InvalidInput(f"line {number}: not JSON ({error.msg})") from error
        if not isinstance(record, dict) or not record.get("id") or not record.get("title"):
            raise InvalidInput(f"line {number}: an object with at least `id` and `title`")
        records.append(record)
    return records


def _section(category_name: str, section_name: str, actor: Actor) -> Section:
    category = Category.objects.filter(slug=slugify(category_name)[:80]).first()
    if category is None:
        category = actions.save_category(actor, name=category_name)
    section = Section.objects.filter(category=category, slug=slugify(section_name)[:80]).first()
    if section is None:
        section = actions.save_section(actor, category, name=section_name)
    return section


def import_articles(
    records: list[dict[str, Any]],
    *,
    actor: Actor,
    include_examples: bool = True,
    embed: bool = True,
) -> ImportReport:
    """Create or update the articles; originals first so translations can point at them.
    `embed` computes the vectors here and now (instead of in the worker)."""
    ids: dict[str, int] = {}
    ordered = sorted(records, key=lambda r: bool(r.get("translation_of")))
    for record in ordered:
        external = str(record["id"])[:100]
        original = None
        if record.get("translation_of"):
            original_id = ids.get(str(record["translation_of"]))
            original = Article.objects.filter(pk=original_id).first() if original_id else None
        category = str(record.get("category") or DEFAULT_CATEGORY)
        section = _section(category, str(record.get("section") or category), actor)
        draft = actions.ArticleDraft(
            section=section,
            title=str(record["title"]),
            body=str(record.get("body") or record["title"]),
            lang=str(record.get("lang") or "id"),
            tags=[str(t) for t in record.get("tags") or []],
            examples=[str(e) for e in record.get("examples") or []] if include_examples else [],
            status=str(record.get("status") or ArticleStatus.PUBLISHED),
            translation_of=original,
        )
        existing = Article.objects.filter(external_id=external).first()
        try:
            article = actions.save_article(actor, draft, article=existing)
        except InvalidInput as error:
            # The articles before it are kept (each is saved on its own): say which one.
            raise InvalidInput(f"article {external}: {error.message}") from error
        if not article.external_id:
            Article.objects.filter(pk=article.pk).update(external_id=external)
        ids[external] = article.pk
    embedded = sum(embed_article(pk) for pk in ids.values()) if embed else 0
    refresh_statistics()
    return ImportReport(ids=ids, embedded=embedded)

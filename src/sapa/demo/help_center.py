"""The demo shop's help center: categories, sections and articles from help_articles.json
(Indonesian, some with an English translation), saved through the knowledge-base actions
like an editor would. Vectors are computed by the worker after commit."""

import json
from pathlib import Path
from typing import Any

from sapa.core.actors import Actor
from sapa.kb import actions
from sapa.kb.models import ArticleStatus

ARTICLES_FILE = Path(__file__).with_name("help_articles.json")


def load_help_center(actor: Actor) -> int:
    """Create the help center; returns how many articles (translations included)."""
    data: dict[str, Any] = json.loads(ARTICLES_FILE.read_text(encoding="utf-8"))
    count = 0
    for position, category_data in enumerate(data["categories"]):
        category = actions.save_category(
            actor,
            name=category_data["name"]["id"],
            name_en=category_data["name"].get("en", ""),
            slug=category_data["key"],
            description=category_data.get("description", {}).get("id", ""),
            description_en=category_data.get("description", {}).get("en", ""),
            icon=category_data.get("icon", ""),
            position=position,
        )
        for section_position, section_data in enumerate(category_data["sections"]):
            section = actions.save_section(
                actor,
                category,
                name=section_data["name"]["id"],
                name_en=section_data["name"].get("en", ""),
                slug=section_data["key"],
                position=section_position,
            )
            for article_position, item in enumerate(section_data["articles"]):
                original = actions.save_article(
                    actor, _draft(section, item, "id", article_position, None)
                )
                count += 1
                if "en" in item:
                    actions.save_article(
                        actor, _draft(section, item["en"], "en", article_position, original)
                    )
                    count += 1
    return count


def _draft(
    section: Any, item: dict[str, Any], lang: str, position: int, original: Any
) -> actions.ArticleDraft:
    return actions.ArticleDraft(
        section=section,
        title=item["title"],
        body=item["body"],
        lang=lang,
        tags=list(item.get("tags", [])),
        examples=list(item.get("examples", [])),
        status=ArticleStatus.PUBLISHED,
        translation_of=original,
        position=position,
    )


# What visitors did in the demo's help center, so that its report has something to show:
# (query, how many times). The first ones have articles; the last ones are what the shop
# does not do yet, the "next articles to write".
DEMO_SEARCHES = (
    ("gmn cara retur brg", 6),
    ("ongkir ke medan brp", 4),
    ("udh tf tp blm dikonfirmasi", 5),
    ("lupa password", 3),
    ("jual buku bekas bisa?", 3),
    ("ambil sendiri di gudang", 2),
    ("kartu hadiah / gift card", 2),
)


def load_help_center_activity() -> None:
    """Searches, views, votes and request-form sessions through the same actions the help
    center uses (search results are whatever search answers at load time)."""
    from sapa.kb.search import search

    for number, (query, times) in enumerate(DEMO_SEARCHES):
        result = search(query, semantic=False)
        top = result.hits[0].article if result.hits and result.answered else None
        for _ in range(times):
            actions.record_search(
                query,
                lang="id",
                results=len(result.hits),
                answered=top is not None,
                source="help",
                top=top,
            )
        actions.record_search(
            query,
            lang="id",
            results=len(result.hits),
            answered=top is not None,
            source="request_form",
            session=f"demo-form-{number}",
        )
        if top is not None:
            for view in range(times * 3):
                actions.record_view(top, suggested_in=f"demo-form-{number}" if view == 0 else "")
            actions.vote(top, helpful=number % 3 != 2, visitor=f"demo-visitor-{number}")
        if number % 2:
            actions.record_request_submitted(session=f"demo-form-{number}")

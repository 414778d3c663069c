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

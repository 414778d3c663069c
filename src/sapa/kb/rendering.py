"""Article Markdown → HTML that is safe to show anyone, and → plain text for search."""

import re

from markdown_it import MarkdownIt

from sapa.conversations.html import html_to_text, sanitise_html

# CommonMark plus tables and strikethrough; raw HTML in the Markdown is not passed through.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def render_markdown(body: str) -> str:
    return sanitise_html(_MARKDOWN.render(body))


def markdown_to_text(body: str) -> str:
    return html_to_text(render_markdown(body))


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]

"""HTML from outside (customer emails, chat, integrations) is kept only after nh3 cleaning."""

import html as html_lib
import re

import nh3

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}


def sanitise_html(raw: str) -> str:
    """Keep formatting, drop scripts, handlers, styles and unknown schemes."""
    if not raw.strip():
        return ""
    return nh3.clean(
        raw,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_BLOCK_END = re.compile(r"</(p|div|li|tr|h[1-6]|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(raw: str) -> str:
    """A readable plain-text version of HTML, for messages that came as HTML only."""
    with_breaks = _BLOCK_END.sub("\n", raw)
    stripped = nh3.clean(with_breaks, tags=set(), strip_comments=True)
    return _BLANK_LINES.sub("\n\n", html_lib.unescape(stripped)).strip()

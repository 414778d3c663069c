"""HTML bodies of email: sanitised for showing to agents, and turned into readable text for
mail that comes as HTML only."""

import re
from html.parser import HTMLParser

import nh3

_TAGS = {
    "a", "abbr", "address", "b", "big", "blockquote", "br", "caption", "center", "cite", "code",
    "col", "colgroup", "dd", "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "tt", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "*": {"dir", "lang", "title", "align"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "valign", "width"},
    "th": {"colspan", "rowspan", "valign", "width"},
    "table": {"border", "cellpadding", "cellspacing", "width"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "ol": {"start", "type"},
    "font": {"color"},
}
# Tags dropped with their content: code, styling and the document head are not the message.
_DROPPED_WITH_CONTENT = {"script", "style", "title", "template", "iframe", "object", "noscript"}


def _allowed_url(tag: str, attribute: str, value: str) -> str | None:
    """Links to the web and mail only; images inline (cid:, for the app to rewrite), over
    HTTPS, or data: images. Plain-HTTP images would load insecurely and track the reader."""
    if attribute == "href":
        scheme = value.strip().lower()
        return value if scheme.startswith(("http://", "https://", "mailto:")) else None
    if attribute == "src":
        scheme = value.strip().lower()
        return value if scheme.startswith(("cid:", "https://", "data:image/")) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags=_DROPPED_WITH_CONTENT,
    attributes=_ATTRIBUTES,
    attribute_filter=_allowed_url,
    url_schemes={"http", "https", "mailto", "cid", "data"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def sanitise_html(raw: str) -> str:
    """The HTML with only formatting left: no scripts, styles, event handlers or unsafe URLs."""
    if not raw.strip():
        return ""
    return _CLEANER.clean(raw).strip()


# --- HTML to text ------------------------------------------------------------------------

_PARAGRAPH_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl"}
)
_LINE_TAGS = frozenset(
    {
        "address", "article", "aside", "caption", "center", "dd", "details", "div", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "li", "main",
        "nav", "section", "summary", "tr",
    }
)  # fmt: skip
_SKIPPED_TAGS = frozenset({"script", "style", "title", "template", "noscript", "head"})
_WHITESPACE = re.compile(r"\s+")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_BLANK_RUNS = re.compile(r"\n{3,}")


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0
        self.preformatted = 0
        self.quote_depth = 0
        self.list_depth = 0
        self.pending_newlines = 0
        self.at_line_start = True
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
            return
        if tag == "body":
            self.skipping = 0  # an unclosed <head> ends where the body starts
        if self.skipping:
            return
        if tag == "br":
            self._write_newline()
        elif tag in _PARAGRAPH_TAGS:
            self._break(2)
        elif tag in _LINE_TAGS:
            self._break(1)
        if tag == "blockquote":
            self.quote_depth += 1
        elif tag == "pre":
            self.preformatted += 1
        elif tag in ("ul", "ol"):
            self.list_depth += 1
        elif tag == "li":
            self._write("  " * max(self.list_depth - 1, 0) + "- ")
        elif tag in ("td", "th") and not (self.at_line_start or self.pending_newlines):
            self._write(" ")
        elif tag == "a":
            href = next((v or "" for k, v in attrs if k == "href"), "")
            self.links.append((href.strip(), len(self.out)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(self.skipping - 1, 0)
            return
        if self.skipping:
            return
        if tag == "a" and self.links:
            self._end_link(*self.links.pop())
        elif tag == "blockquote":
            self.quote_depth = max(self.quote_depth - 1, 0)
        elif tag == "pre":
            self.preformatted = max(self.preformatted - 1, 0)
        elif tag in ("ul", "ol"):
            self.list_depth = max(self.list_depth - 1, 0)
        if tag in _PARAGRAPH_TAGS:
            self._break(2)
        elif tag in _LINE_TAGS:
            self._break(1)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.preformatted:
            for index, line in enumerate(data.split("\n")):
                if index:
                    self._write_newline()
                if line:
                    self._write(line)
            return
        text = _WHITESPACE.sub(" ", data)
        if self.at_line_start or (self.out and self.out[-1].endswith(" ")):
            text = text.lstrip()
        if text:
            self._write(text)

    def _end_link(self, href: str, start: int) -> None:
        # A label of many pieces is no bare URL; not joining it keeps broken markup linear.
        label = "".join(self.out[start:]).strip() if len(self.out) - start <= 20 else "…"
        target = href.removeprefix("mailto:") if href.lower().startswith("mailto:") else href
        if not label or not href.lower().startswith(("http://", "https://", "mailto:")):
            return
        if target.rstrip("/").lower() != label.rstrip("/").lower():
            self._write(f" ({target})")

    def _break(self, newlines: int) -> None:
        if self.out:
            self.pending_newlines = max(self.pending_newlines, newlines)

    def _write_newline(self) -> None:
        self.pending_newlines = 0
        self.out.append("\n")
        self.at_line_start = True

    def _write(self, text: str) -> None:
        if self.pending_newlines:
            self.out.append("\n" * self.pending_newlines)
            self.pending_newlines = 0
            self.at_line_start = True
        if self.at_line_start and self.quote_depth:
            self.out.append("> " * self.quote_depth)
        self.out.append(text)
        self.at_line_start = False

    def text(self) -> str:
        joined = _TRAILING_SPACE.sub("\n", "".join(self.out))
        return _BLANK_RUNS.sub("\n\n", joined).strip()


def html_to_text(raw: str) -> str:
    """Readable plain text of an HTML body: blocks on their own lines, list items as "- ",
    quotes as "> ", links as "text (url)". Never raises."""
    writer = _TextWriter()
    try:
        writer.feed(raw)
        writer.close()
    except (AssertionError, ValueError, RecursionError):
        pass  # malformed markup: keep what was read
    return writer.text()

"""Folding away what a reply repeats: the quoted history below it and the signature."""

import re

# Lines that start the quoted history: attribution lines of English and Indonesian mail
# clients, Outlook's separators and header blocks.
_ATTRIBUTION = re.compile(
    r"^\s*(?:"
    r"on\b.{0,200}\bwrote:?\s*$|"
    r"pada\b.{0,200}\bmenulis:?\s*$|"
    r"le\b.{0,200}\ba écrit\s*:?\s*$|"
    r"-{2,}\s*(?:original message|pesan asli|pesan awal)\s*-{2,}|"
    r"_{10,}\s*$|"
    r"(?:from|dari)\s*:.*$"
    r")",
    re.IGNORECASE,
)
_ATTRIBUTION_START = re.compile(r"^\s*(?:on|pada)\b", re.IGNORECASE)
_ATTRIBUTION_END = re.compile(r"\b(?:wrote|menulis):?\s*$", re.IGNORECASE)
# An Outlook header block: "From:" followed within a few lines by "Sent:"/"Dikirim:".
_OUTLOOK_FROM = re.compile(r"^\s*\*?(?:from|dari)\s*:", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(r"^\s*\*?(?:sent|date|dikirim|tanggal|terkirim)\s*:", re.IGNORECASE)
_SIGNATURE = re.compile(
    r"^\s*(?:--\s*|"
    r"sent from my \w+.*|sent from mail for windows.*|get outlook for \w+.*|"
    r"dikirim dari .+|sent from yahoo mail.*|sent via .+)$",
    re.IGNORECASE,
)


def split_quoted(text: str) -> tuple[str, str]:
    """(visible, folded): what the sender wrote now, and the quoted history and signature
    after it. When folding would leave nothing, everything is visible."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = _history_start(lines)
    cut = _signature_start(lines, cut)
    visible = "\n".join(lines[:cut]).strip()
    if not visible:
        return text.strip(), ""
    return visible, "\n".join(lines[cut:]).strip()


def _history_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if _is_attribution(lines, index):
            return index
        if stripped.startswith(">") and _rest_is_quoted(lines, index):
            return index
    return len(lines)


def _is_attribution(lines: list[str], index: int) -> bool:
    line = lines[index]
    if _OUTLOOK_FROM.match(line):
        # "From:" alone is a normal sentence start; Outlook follows it with "Sent:".
        return any(_OUTLOOK_SENT.match(following) for following in lines[index + 1 : index + 4])
    if _ATTRIBUTION.match(line):
        return True
    # "On Mon, 3 Nov 2026 at 10:12, Toko Buku Sapa <cs@...>\nwrote:" wrapped over two lines.
    if _ATTRIBUTION_START.match(line) and index + 1 < len(lines):
        return bool(_ATTRIBUTION_END.search(lines[index + 1])) and len(line) < 200
    return False


def _rest_is_quoted(lines: list[str], index: int) -> bool:
    """True when from `index` on, the text is quoted lines (and blank or signature lines)."""
    rest = [line.strip() for line in lines[index:] if line.strip()]
    quoted = sum(1 for line in rest if line.startswith(">"))
    return quoted >= max(1, int(len(rest) * 0.8))


def _signature_start(lines: list[str], end: int) -> int:
    """The line where the signature starts within lines[:end], else end."""
    for index in range(end - 1, -1, -1):
        if _SIGNATURE.match(lines[index]) and end - index <= 12:
            return index
    return end

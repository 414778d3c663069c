"""Folding away what a reply repeats: the quoted history below the new text, the signature
and the "Sent from my phone" footer. A forward is content, not history: it stays."""

import re

_MAX_ATTRIBUTION_CHARS = 400
_MAX_SIGNATURE_LINES = 20

# "On Mon, 3 Nov 2026 at 10:12, Budi <budi@x> wrote:" and the Indonesian "Pada ... menulis:"
# (Gmail: "Pada tanggal Sen, 3 Nov 2026 pukul 10.12 Budi <budi@x> menulis:").
_ATTRIBUTION = re.compile(
    r"^(?:on|pada|le|am|el)\s.*\b(?:wrote|menulis|a écrit|schrieb|escribió)\s*:$", re.IGNORECASE
)
_ATTRIBUTION_START = re.compile(r"^(?:on|pada)\s", re.IGNORECASE)
_ATTRIBUTION_END = re.compile(r"\b(?:wrote|menulis)\s*:$", re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(
    r"^-{2,}\s*(?:original message|pesan asli|pesan awal|pesan orisinal|"
    r"ursprüngliche nachricht|message d'origine)\s*-{2,}$",
    re.IGNORECASE,
)
# Outlook's header block: "From:" (or "Dari:") with "Sent:"/"Date:" a line or few below.
_HEADER_FROM = re.compile(r"^\*?(?:from|dari)\s*:\s*\*?\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^\*?(?:sent|date|dikirim|terkirim|tanggal|waktu)\s*:\s*\*?\s*\S", re.IGNORECASE
)
_OUTLOOK_RULE = re.compile(r"^_{10,}$")
_FORWARD = re.compile(
    r"^(?:-{2,}\s*(?:forwarded message|pesan terusan|pesan yang diteruskan|"
    r"weitergeleitete nachricht|message transféré)\s*-{2,}|begin forwarded message\s*:)$",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"^(?:sent from my [\w .,'&-]{1,60}|"
    r"sent from (?:yahoo mail|mail for windows|outlook|samsung|android|iphone|ipad)\b.{0,60}|"
    r"get outlook for \w.{0,40}|"
    r"dikirim dari (?:iphone|ipad|ponsel|perangkat|smartphone|yahoo mail|mail untuk windows|"
    r"mail for windows|outlook|samsung|galaxy|android)\b.{0,60})$",
    re.IGNORECASE,
)
# The first letters of every line the patterns above can match: a cheap test first.
_HISTORY_INITIALS = frozenset("-*fdoplae")
# An attribution line the patterns above do not know ("2026-11-03 10:12 GMT+07:00 Budi
# <budi@x>:"), recognised only directly above a trailing quote block.
_LOOSE_ATTRIBUTION = re.compile(r"(?:@|\d).*:$")


def split_quoted(text: str) -> tuple[str, str]:
    """(visible, folded): the new text the sender wrote, and the quoted history and signature
    that follow it. When folding would leave nothing, all of it is visible."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    stripped = [line.strip() for line in lines]
    forward = next(
        (i for i, s in enumerate(stripped) if s[:1] in "-Bb" and _FORWARD.match(s)), None
    )
    cut = _history_start(stripped, end=len(lines) if forward is None else forward)
    if cut is None:
        if forward is not None:
            return text.strip(), ""  # folding anything would fold the forwarded mail
        cut = _trailing_quote_start(stripped)
    cut = _signature_start(stripped, cut)
    visible = "\n".join(lines[:cut]).strip()
    if not visible:
        return text.strip(), ""
    return visible, "\n".join(lines[cut:]).strip()


def _history_start(stripped: list[str], *, end: int) -> int | None:
    """The first line of quoted history before `end`, None if there is none."""
    for index in range(end):
        line = stripped[index]
        if not line or line[0].lower() not in _HISTORY_INITIALS:
            continue
        if _ORIGINAL_MESSAGE.match(line):
            return index
        if _HEADER_FROM.match(line) and _sent_follows(stripped, index):
            above = _previous_content_line(stripped, index)
            return above if above is not None and _OUTLOOK_RULE.match(stripped[above]) else index
        if _is_attribution(stripped, index) and not _is_interleaved(stripped, index):
            return index
    return None


def _is_attribution(stripped: list[str], index: int) -> bool:
    line = stripped[index]
    if not _ATTRIBUTION_START.match(line) and not _ATTRIBUTION.match(line):
        return False
    # Two or three lines when the client wrapped it; a date or an address in it, or it is
    # just a sentence ("On the other hand, he wrote:").
    for last in range(index, min(index + 3, len(stripped))):
        if last > index and not stripped[last]:
            return False
        if _ATTRIBUTION_END.search(stripped[last]) or _ATTRIBUTION.match(stripped[last]):
            joined = " ".join(stripped[index : last + 1])
            return (
                len(joined) <= _MAX_ATTRIBUTION_CHARS
                and bool(_ATTRIBUTION.match(joined))
                and any(ch.isdigit() or ch == "@" for ch in joined)
            )
    return False


def _is_interleaved(stripped: list[str], index: int) -> bool:
    """Answers written between the quoted lines below an attribution: then the quote is
    context for the answers, not history to fold."""
    seen_quote = False
    for following in range(index + 1, len(stripped)):  # no slice: called once per attribution
        line = stripped[following]
        if not line:
            continue
        if line[0] == ">":
            seen_quote = True
        elif _is_signature_delimiter(line) or _FOOTER.match(line):
            return False
        elif seen_quote:
            return True
        elif not _ATTRIBUTION_END.search(line):
            return False  # unquoted history (Outlook style) follows
    return False


def _sent_follows(stripped: list[str], index: int) -> bool:
    following = [line for line in stripped[index + 1 : index + 6] if line][:4]
    return any(_HEADER_SENT.match(line) for line in following)


def _previous_content_line(stripped: list[str], index: int) -> int | None:
    for above in range(index - 1, -1, -1):
        if stripped[above]:
            return above
    return None


def _trailing_quote_start(stripped: list[str]) -> int:
    """The first line of a block of ">" lines that ends the text (with the attribution line
    above it), or len(stripped) when the text does not end in a quote."""
    last = len(stripped) - 1
    while last >= 0 and not stripped[last]:
        last -= 1
    start = last + 1
    index = last
    while index >= 0 and (not stripped[index] or stripped[index][0] == ">"):
        if stripped[index]:
            start = index
        index -= 1
    if start > last:
        return len(stripped)
    above = _previous_content_line(stripped, start)
    if above is not None and above == start - 1:
        line = stripped[above]
        if len(line) <= _MAX_ATTRIBUTION_CHARS and _LOOSE_ATTRIBUTION.search(line):
            return above
    return start


def _signature_start(stripped: list[str], end: int) -> int:
    """Where the signature or phone footer begins within the last lines before `end`."""
    cut = end
    content_lines = 0
    for index in range(end - 1, -1, -1):
        line = stripped[index]
        if not line:
            continue
        if _is_signature_delimiter(line) or _FOOTER.match(line):
            cut = index
        content_lines += 1
        if content_lines > _MAX_SIGNATURE_LINES:
            break
    return cut


def _is_signature_delimiter(line: str) -> bool:
    return line == "--"  # "-- " by convention; many clients drop the space

"""Review text is plain text: what customers and shops send is cleaned here before it is
stored (control and direction-override characters removed, line breaks normalised) and is
escaped wherever it is shown. Nothing in a review is ever treated as HTML."""

import re
import unicodedata

from django.utils.translation import gettext as _

from sapa.core.exceptions import InvalidInput

TITLE_MAX_CHARS = 120
TEXT_MAX_CHARS = 2000
DISPLAY_NAME_MAX_CHARS = 40
REASON_MAX_CHARS = 300
REPLY_MAX_CHARS = 2000

# Bidirectional overrides and isolates can make shown text read differently from what
# is stored ("gnp.exe" tricks); zero-width characters hide words from moderators.
_INVISIBLE = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]
)
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t]+")
_EMAIL = re.compile(r"\S+@\S+")
_PHONE_DIGITS = re.compile(r"\d")


def _without_controls(value: str, *, keep_newlines: bool) -> str:
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    value = value.translate(_INVISIBLE).replace("\t", " ")
    kept = []
    for char in value:
        if char == "\n":
            kept.append("\n" if keep_newlines else " ")
        elif unicodedata.category(char) not in ("Cc", "Cs"):
            kept.append(char)
    return "".join(kept)


def clean_text(value: str, *, field: str, max_chars: int) -> str:
    """Several lines of plain text: trimmed, at most two line breaks in a row, trailing
    spaces dropped. Raises InvalidInput (loc body.`field`) when longer than `max_chars`."""
    text = _without_controls(value, keep_newlines=True)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    if len(text) > max_chars:
        raise InvalidInput(
            _("Write at most %(count)d characters.") % {"count": max_chars}, loc=["body", field]
        )
    return text


def clean_line(value: str, *, field: str, max_chars: int) -> str:
    """One line of plain text (a title, a name, a reason). Raises InvalidInput (loc
    body.`field`) when longer than `max_chars`."""
    line = _SPACES.sub(" ", _without_controls(value, keep_newlines=False)).strip()
    if len(line) > max_chars:
        raise InvalidInput(
            _("Write at most %(count)d characters.") % {"count": max_chars}, loc=["body", field]
        )
    return line


def _is_contact(word: str) -> bool:
    return bool(_EMAIL.fullmatch(word)) or len(_PHONE_DIGITS.findall(word)) >= 5


def default_display_name(full_name: str) -> str:
    """ "Budi S." for "Budi Santoso": the first name and the last name's initial. Words
    that look like an email address or a phone number are never used; "" when nothing is
    left (the page then says "Customer")."""
    words = [w for w in clean_line(full_name, field="name", max_chars=10_000).split() if w]
    words = [w for w in words if not _is_contact(w)]
    if not words:
        return ""
    first = words[0][: DISPLAY_NAME_MAX_CHARS - 3]
    if len(words) == 1:
        return first
    return f"{first} {words[-1][0].upper()}."


def check_display_name(value: str) -> str:
    """The name a customer chose to be shown under. Raises InvalidInput (loc
    body.display_name) when too long or when it holds an email address or phone number."""
    name = clean_line(value, field="display_name", max_chars=DISPLAY_NAME_MAX_CHARS)
    if "@" in name or len(_PHONE_DIGITS.findall(name)) >= 5:
        raise InvalidInput(
            _("Use a name, not an email address or phone number."),
            loc=["body", "display_name"],
        )
    return name

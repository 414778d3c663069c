"""Reading header values as mail clients really write them: RFC 2047 encoded words (broken
ones too), raw 8-bit bytes, addresses, message ids and dates."""

import binascii
import re
from datetime import UTC, datetime
from email.utils import decode_params, getaddresses, parsedate_to_datetime, unquote

from sapa.channels.email.charsets import decode_text, guess_text

# Lenient on purpose: no whitespace rule around words, "?" the only excluded text character
# (it ends the word), and an RFC 2231 language suffix ("utf-8*id") allowed on the charset.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
# The common single-address value, read without the general address parser.
_SIMPLE_MAILBOX = re.compile(
    r'^\s*(?:"?([^"<>,;:@()\\]*?)"?\s*)?<([^<>\s,;:"()]+)>\s*$|^\s*([^<>\s,;:"()]+)\s*$'
)
_NON_BASE64 = re.compile(r"[^A-Za-z0-9+/]")
_ID = re.compile(r"<([^<>\s]+)>")
# Local part: anything but what ends it; domain: dot-separated labels or an address literal.
_VALID_ADDRESS = re.compile(r"^[^\s@<>()\[\],;:\"\\]+@(?:[\w-]+(?:\.[\w-]+)*|\[[^\]\s]+\])$")
_MAX_ADDRESS_LENGTH = 254
_MAX_ID_LENGTH = 998


def unfold(value: str) -> str:
    """The value on one line: a folding line break is dropped, the whitespace after it kept."""
    return value.replace("\r", "").replace("\n", "") if "\n" in value else value


def decode_8bit(value: str) -> str:
    """Header text with raw 8-bit bytes (kept by the parser as surrogate escapes) decoded."""
    if value.isascii() or not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return guess_text(value.encode("utf-8", "surrogateescape"))


def decode_header_value(value: str) -> str:
    """A header value as text: unfolded, 8-bit bytes and encoded words decoded."""
    value = decode_8bit(unfold(value))
    if "=?" not in value:
        return value
    return _decode_words(value)


def collapse(value: str) -> str:
    return " ".join(value.split())


def _decode_words(value: str) -> str:
    out: list[str] = []
    pending = bytearray()
    pending_charset = ""
    last_end = 0
    previous_was_word = False

    def flush() -> None:
        if pending:
            out.append(decode_text(bytes(pending), pending_charset)[0])
            pending.clear()

    for match in _ENCODED_WORD.finditer(value):
        between = value[last_end : match.start()]
        # Whitespace between two encoded words is folding, not text (RFC 2047, 6.2).
        if between and not (previous_was_word and between.isspace()):
            flush()
            out.append(between)
        charset = match.group(1).split("*", 1)[0].lower()
        if charset != pending_charset:
            flush()
        # Adjacent words in one charset are joined before decoding: some encoders split a
        # multi-byte character across two words.
        pending += _word_bytes(match.group(2), match.group(3))
        pending_charset = charset
        last_end = match.end()
        previous_was_word = True
    flush()
    out.append(value[last_end:])
    return "".join(out)


def _word_bytes(encoding: str, text: str) -> bytes:
    data = text.encode("utf-8", "surrogateescape")
    if encoding in "qQ":
        return binascii.a2b_qp(data, header=True)
    cleaned = _NON_BASE64.sub("", text)
    cleaned = cleaned[: len(cleaned) - len(cleaned) % 4] if len(cleaned) % 4 == 1 else cleaned
    try:
        return binascii.a2b_base64(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        return data


def addresses(raw_values: list[str]) -> list[tuple[str, str]]:
    """(display name, lower-cased address) for each valid address in the header values."""
    found: dict[str, str] = {}
    for raw in raw_values:
        # Names are decoded after splitting: a decoded name may hold commas or quotes.
        value = decode_8bit(unfold(raw))
        simple = _SIMPLE_MAILBOX.match(value)
        if simple is not None:
            pairs = [(simple.group(1) or "", simple.group(2) or simple.group(3))]
        else:
            pairs = getaddresses([value])
        for name, address in pairs:
            address = address.strip().strip("<>").lower()
            if len(address) > _MAX_ADDRESS_LENGTH or not _VALID_ADDRESS.match(address):
                continue
            if "=?" in name:
                name = _decode_words(name)
            found.setdefault(address, collapse(name).strip("\"'").strip())
    return [(name, address) for address, name in found.items()]


def message_ids(value: str) -> list[str]:
    """The ids in a Message-ID, In-Reply-To or References value, in order, without <>."""
    value = unfold(value)
    found = _ID.findall(value)
    if not found:
        # Some clients drop the angle brackets.
        found = [token.strip("<>,;\"'") for token in value.split() if "@" in token]
    return [i for i in dict.fromkeys(found) if i and len(i) <= _MAX_ID_LENGTH]


def own_message_id(value: str) -> str:
    """The id a Message-ID header gives, "" if none: a bare token counts here."""
    found = message_ids(value)
    if found:
        return found[0]
    token = collapse(decode_8bit(unfold(value))).strip("<>")
    return token if token and " " not in token and len(token) <= _MAX_ID_LENGTH else ""


def parse_date(value: str) -> datetime | None:
    """The Date header as an aware datetime; None when missing or unreadable."""
    value = collapse(unfold(value))
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        try:
            parsed = datetime.fromisoformat(value)  # what some scripts write
        except ValueError:
            return None
    # "-0000" or no zone: RFC 5322 reads it as UTC with the sender's zone unknown.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def mime_param(raw_value: str, name: str) -> str:
    """A parameter of a Content-Type or Content-Disposition value, decoded (RFC 2231
    continuations and charsets, RFC 2047 words, raw 8-bit bytes); "" when absent."""
    pieces = [("", "")]
    for piece in _split_params(decode_8bit(unfold(raw_value)))[1:]:
        key, _, value = piece.partition("=")
        pieces.append((key.strip().lower(), value.strip()))
    for key, decoded in decode_params(pieces)[1:]:
        if key != name:
            continue
        if isinstance(decoded, tuple):
            charset, _language, encoded = decoded
            encoded = unquote(encoded)
            try:
                data = encoded.encode("latin-1")  # one character per %-decoded byte
            except UnicodeEncodeError:
                return encoded
            return decode_text(data, charset or "utf-8")[0]
        text = unquote(decoded)
        return decode_header_value(text) if "=?" in text else text
    return ""


def _split_params(value: str) -> list[str]:
    """The value split at semicolons outside quoted strings."""
    pieces: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            pieces.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    pieces.append("".join(current).strip())
    return pieces

"""Turning bytes from mail into text whatever their charset label says (or fails to say)."""

import codecs
from functools import lru_cache

from charset_normalizer import from_bytes

# Labels mail clients write that Python does not know, or knows as a narrower charset than
# the one they actually use: Outlook writes gb2312 for GBK/GB18030 text and ks_c_5601-1987
# for Windows code page 949; "iso-8859-1" is read as windows-1252, as browsers do.
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "windows-874": "cp874",
    "utf8mb4": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    "cp-1252": "cp1252",
    "cp-1250": "cp1250",
    "cp-1251": "cp1251",
    "x-sjis": "cp932",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "windows-31j": "cp932",
    "x-mac-roman": "mac-roman",
    "x-mac-cyrillic": "mac-cyrillic",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "x-user-defined": "cp1252",
    "big5": "big5hkscs",
}
# Python codecs that are not charsets a mail could be written in.
_NOT_CHARSETS = frozenset(
    {"unicode-escape", "raw-unicode-escape", "undefined", "charmap", "punycode", "idna"}
)
# charset-normalizer looks at this much of a long part; its guess is as good and far faster.
_GUESS_SAMPLE_BYTES = 32 * 1024


@lru_cache(maxsize=512)
def codec_for(label: str) -> str | None:
    """The Python codec for a charset label, aliases applied; None if there is none."""
    name = _ALIASES.get(label, label)
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if not info._is_text_encoding or info.name in _NOT_CHARSETS:
        return None
    return info.name


def normalise_label(label: str | None) -> str:
    return (label or "").strip().strip("\"'").strip().lower()


def decode_text(payload: bytes, label: str | None) -> tuple[str, str]:
    """(text, defect note or ""): decoded with the declared charset when that works, else
    the best guess. Never raises."""
    declared = normalise_label(label)
    if not declared:
        try:
            return payload.decode("utf-8"), ""  # ASCII is UTF-8 too
        except UnicodeDecodeError:
            return guess_text(payload), "8-bit text without a charset, decoded by guessing"
    codec = codec_for(declared)
    if codec is None:
        return guess_text(payload), f"unknown charset {declared!r}, decoded by guessing"
    if codec == "cp1252" and not payload.isascii():
        # UTF-8 labelled Latin-1 is a common mislabel; valid UTF-8 is almost never Latin-1.
        try:
            return payload.decode("utf-8"), f"UTF-8 text labelled {declared}, read as UTF-8"
        except UnicodeDecodeError:
            pass
    try:
        return payload.decode(codec), ""
    except (UnicodeError, ValueError, LookupError):
        pass
    if codec == "ascii":
        try:
            return payload.decode("utf-8"), "8-bit text labelled us-ascii, read as UTF-8"
        except UnicodeDecodeError:
            pass
    elif codec == "cp1252":
        # The five bytes windows-1252 leaves undefined are control characters in Latin-1.
        return payload.decode("latin-1"), ""
    else:
        # A few bad bytes (a truncated character, a stray byte) in text that is otherwise
        # the declared charset: replacing them loses less than guessing another charset.
        try:
            replaced = payload.decode(codec, errors="replace")
        except (UnicodeError, ValueError, LookupError):
            replaced = ""
        bad = replaced.count("\ufffd")
        if replaced and bad <= max(2, len(payload) // 500):
            return replaced, f"{bad} bytes not valid {declared}, replaced"
    return guess_text(payload), f"text is not valid {declared}, decoded by guessing"


def guess_text(payload: bytes) -> str:
    """UTF-8 if it is, else charset-normalizer's best guess, else UTF-8 with replacement."""
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        matches = from_bytes(payload[:_GUESS_SAMPLE_BYTES])
        best = matches.best()
        if best is not None:
            # Western text reads the same in several code pages; on a tie, the one mail
            # most often comes in wins.
            tied = (m.encoding for m in matches if m.chaos <= best.chaos)
            encoding = "cp1252" if "cp1252" in tied else best.encoding
            return payload.decode(encoding, errors="replace")
    except (LookupError, ValueError, RuntimeError):
        pass
    return payload.decode("utf-8", errors="replace")

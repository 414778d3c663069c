"""Turning a part's bytes into text whatever its label says (or fails to say)."""

import codecs

from charset_normalizer import from_bytes

# Labels mail clients write that Python does not know, or knows as a narrower charset than
# the one actually used (Outlook writes gb2312 for GBK text, iso-8859-1 for windows-1252).
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
    "utf8mb4": "utf-8",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    "cp-1252": "cp1252",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "x-user-defined": "cp1252",
    "big5": "big5hkscs",
}


def decode_text(payload: bytes, label: str | None) -> tuple[str, str]:
    """(text, defect note or ""): decoded with the declared charset when it works, else
    the best guess, never raising."""
    declared = (label or "").strip().strip('"').lower()
    name = _ALIASES.get(declared, declared)
    if name:
        try:
            codecs.lookup(name)
        except LookupError:
            guessed = _guess(payload)
            return guessed, f"unknown charset {declared!r}, decoded as a guess"
        try:
            return payload.decode(name), ""
        except UnicodeDecodeError:
            pass
        if name in ("ascii", "cp1252"):
            # 8-bit text labelled ASCII or Latin-1 is most often UTF-8 or windows-1252.
            for fallback in ("utf-8", "cp1252", "latin-1"):
                try:
                    return payload.decode(fallback), ""
                except UnicodeDecodeError:
                    continue
        return _guess(payload), f"text is not valid {declared}, decoded as a guess"
    try:
        return payload.decode("ascii"), ""
    except UnicodeDecodeError:
        pass
    try:
        return payload.decode("utf-8"), ""
    except UnicodeDecodeError:
        return _guess(payload), "8-bit text without a charset, decoded as a guess"


def _guess(payload: bytes) -> str:
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(payload[:65536]).best()
    if best is not None:
        try:
            return payload.decode(best.encoding, errors="replace")
        except LookupError:
            pass
    return payload.decode("cp1252", errors="replace")

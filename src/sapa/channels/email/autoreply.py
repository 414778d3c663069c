"""Telling machine-written mail (out-of-office, bulk, delivery reports) from a person's."""

import re
from collections.abc import Mapping
from email.message import Message

# Subjects mail servers and clients give automatic answers, English and Indonesian (and the
# few other languages Indonesian shops meet from suppliers), at the start or after "Re:".
_OUT_OF_OFFICE = re.compile(
    r"^(?:(?:re|aw|fw|fwd)\s*:\s*)*(?:"
    r"out of (?:the )?office|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|"
    r"away from (?:the )?office|on vacation|on leave|vacation reply|i am away|"
    r"balasan otomatis|jawaban otomatis|sedang cuti|di luar kantor|tidak di kantor|"
    r"sedang tidak di kantor|abwesenheitsnotiz|r[ée]ponse automatique|respuesta autom[áa]tica"
    r")",
    re.IGNORECASE,
)
_BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


def auto_reply_reason(headers: Mapping[str, str] | Message, subject: str) -> str:
    """Why the mail is machine-written, or "" when a person wrote it."""

    def header(name: str) -> str:
        value = headers.get(name)
        return str(value).strip() if value is not None else ""

    submitted = header("Auto-Submitted").lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if header(name):
            return f"{name}: {header(name)}"
    precedence = header("Precedence").lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    if header("List-Id") or header("List-Unsubscribe"):
        return "mailing list"
    if header("X-Failed-Recipients"):
        return "delivery status notification"
    if _OUT_OF_OFFICE.match(subject.strip()):
        return "out-of-office subject"
    return ""

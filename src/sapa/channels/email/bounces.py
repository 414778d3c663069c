"""Reading delivery failures: RFC 3464 delivery status reports, and the plain-text bounces
of mail servers that do not write one."""

import base64
import binascii
import quopri
import re
from dataclasses import dataclass
from email.message import Message

# An enhanced status code (RFC 3463), not part of an IP address or a version number.
_STATUS = re.compile(r"(?<![\w.])([245]\.\d{1,3}\.\d{1,3})(?![\w]|\.\d)")
# A bare SMTP reply code, where servers write one: at a line start or after "said:".
_SMTP_CODE = re.compile(r"(?:^|said:|smtp;|error:)[ \t]*([45])\d\d[ \t-]", re.I | re.M)
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_MESSAGE_ID = re.compile(r"^\s*message-id:\s*<([^<>\s]+)>", re.IGNORECASE | re.MULTILINE)
_BLOCK_SPLIT = re.compile(r"\n[ \t]*\n")
_DAEMONS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon", "mdaemon"})
_FAILURE_SUBJECT = re.compile(
    r"undeliver|delivery status notification|mail delivery (?:failed|failure|system)|"
    r"delivery failure|returned mail|failure notice|mail system error|non remis|"
    r"unzustellbar|tidak (?:dapat )?terkirim|gagal (?:di)?kirim|gagal terkirim",
    re.IGNORECASE,
)
_MAX_DIAGNOSTIC_CHARS = 1000


@dataclass(frozen=True)
class Bounce:
    recipients: tuple[str, ...]
    status: str
    diagnostic: str
    permanent: bool
    original_message_id: str


def report_fields(part: Message) -> list[dict[str, str]]:
    """The field blocks of a message/delivery-status part, per-message block first."""
    payload = part.get_payload()
    blocks: list[dict[str, str]] = []
    if isinstance(payload, list):
        for block in payload:
            if isinstance(block, Message):
                fields: dict[str, str] = {}
                for name, value in block.raw_items():
                    fields.setdefault(name.lower(), " ".join(str(value).split()))
                blocks.append(fields)
    if any("action" in b or "final-recipient" in b or "status" in b for b in blocks):
        return blocks
    # The parser read the blocks as headers; an encoded report has none to read.
    return _fields_from_text(_report_text(part))


def _report_text(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):
        text = "\n\n".join(p.as_string() for p in payload if isinstance(p, Message))
    else:
        text = str(getattr(part, "_payload", "") or "")  # the raw text: see parts.raw_payload
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    data = text.encode("ascii", "replace")
    try:
        if encoding == "base64":
            data = base64.b64decode(b"".join(data.split()) + b"==")
        elif encoding == "quoted-printable":
            data = quopri.decodestring(data)
    except (binascii.Error, ValueError):
        pass
    return data.decode("utf-8", "replace")


def _fields_from_text(text: str) -> list[dict[str, str]]:
    blocks: list[dict[str, str]] = []
    for chunk in _BLOCK_SPLIT.split(text.replace("\r\n", "\n")):
        fields: dict[str, str] = {}
        last = ""
        for line in chunk.split("\n"):
            if line[:1].isspace() and last:
                fields[last] += " " + line.strip()
                continue
            name, separator, value = line.partition(":")
            if separator and name.strip():
                last = name.strip().lower()
                fields.setdefault(last, value.strip())
        if fields:
            blocks.append(fields)
    return blocks


def from_report(
    blocks: list[dict[str, str]], *, original_message_id: str, human_text: str
) -> Bounce | None:
    """The failed (else delayed) recipients of a delivery status report; None when every
    recipient was delivered, relayed or expanded."""
    failed: list[tuple[str, str, str]] = []
    delayed: list[tuple[str, str, str]] = []
    for fields in blocks:
        recipient = fields.get("final-recipient") or fields.get("original-recipient") or ""
        address = recipient.split(";", 1)[-1].strip().strip("<>").lower()
        if "@" not in address:
            continue
        action = (fields.get("action", "").split() or [""])[0].lower()
        found = _STATUS.search(fields.get("status", ""))
        status = found.group(1) if found else ""
        diagnostic = fields.get("diagnostic-code", "").split(";", 1)[-1].strip()
        if action == "failed" or (not action and status.startswith("5")):
            failed.append((address, status, diagnostic))
        elif action == "delayed" or (not action and status.startswith("4")):
            delayed.append((address, status, diagnostic))
    chosen = failed or delayed
    if not chosen:
        return None
    diagnostic = next((d for _, _, d in chosen if d), "") or _first_lines(human_text)
    status = next((s for _, s, _ in chosen if s), "") or _status_in(
        diagnostic, default="5.0.0" if failed else "4.0.0"
    )
    return Bounce(
        recipients=tuple(dict.fromkeys(address for address, _, _ in chosen)),
        status=status,
        diagnostic=diagnostic[:_MAX_DIAGNOSTIC_CHARS],
        permanent=status.startswith("5"),
        original_message_id=original_message_id,
    )


def is_bounce_sender(address: str) -> bool:
    return address.split("@", 1)[0].lower() in _DAEMONS


def looks_like_bounce(*, sender: str, subject: str, null_return_path: bool) -> bool:
    """A bounce without a report: from a mail daemon, or a failure subject on mail sent
    with an empty return path (as bounces must be, RFC 5321 4.5.5)."""
    failure_subject = bool(_FAILURE_SUBJECT.search(subject))
    return (is_bounce_sender(sender) and failure_subject) or (failure_subject and null_return_path)


def from_text(
    text: str, *, ignored: set[str], failed_recipients: list[str], original_message_id: str
) -> Bounce | None:
    """A bounce read from its human-readable text: the first address that is not one of
    `ignored` (the bounce's own sender and recipients), and the status code near it."""
    recipients = [a for a in failed_recipients if a not in ignored]
    if not recipients:
        for candidate in _ADDRESS.findall(text):
            address = candidate.lower()
            if address not in ignored and not is_bounce_sender(address):
                recipients.append(address)
                break
    if not recipients:
        return None
    status = _status_in(text, default="5.0.0")
    diagnostic = next(
        (line.strip() for line in text.splitlines() if _STATUS.search(line)), ""
    ) or _first_lines(text)
    return Bounce(
        recipients=tuple(recipients),
        status=status,
        diagnostic=diagnostic[:_MAX_DIAGNOSTIC_CHARS],
        permanent=status.startswith("5"),
        original_message_id=original_message_id or returned_message_id(text),
    )


def returned_message_id(text: str) -> str:
    """The Message-ID in the returned headers (a text/rfc822-headers part, or the copy of
    the original a bounce quotes in its text)."""
    found = _MESSAGE_ID.search(text)
    return found.group(1) if found else ""


def _status_in(text: str, *, default: str) -> str:
    found = _STATUS.search(text)
    if found:
        return found.group(1)
    code = _SMTP_CODE.search(text)
    return f"{code.group(1)}.0.0" if code else default


def _first_lines(text: str, count: int = 3) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(lines[:count])

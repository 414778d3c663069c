"""Reading delivery status notifications: RFC 3464 reports and the plain-text bounces of
MTAs that do not write one."""

import re
from dataclasses import dataclass
from email.message import Message

_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_ADDRESS = re.compile(r"<?([A-Za-z0-9._%+\-=']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})>?")
_MESSAGE_ID = re.compile(r"^message-id:\s*<([^<>\s]+)>", re.IGNORECASE | re.MULTILINE)
_BOUNCE_SENDERS = ("mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon")
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery status notification|mail delivery fail|delivery failure|"
    r"returned mail|failure notice|undelivered mail|tidak terkirim|gagal terkirim",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Bounce:
    recipients: tuple[str, ...]
    status: str
    diagnostic: str
    permanent: bool
    original_message_id: str


def report_fields(part: Message) -> list[dict[str, str]]:
    """The field blocks of a message/delivery-status part (per-message first)."""
    payload = part.get_payload()
    blocks: list[dict[str, str]] = []
    if isinstance(payload, list):
        for block in payload:
            if isinstance(block, Message):
                blocks.append({k.lower(): str(v) for k, v in block.items()})
        if blocks:
            return blocks
    raw = part.get_payload(decode=True)
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(payload)
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        fields: dict[str, str] = {}
        for line in chunk.split("\n"):
            name, sep, value = line.partition(":")
            if sep and name.strip() and not line[:1].isspace():
                fields[name.strip().lower()] = value.strip()
            elif line[:1].isspace() and fields:
                last = list(fields)[-1]
                fields[last] += " " + line.strip()
        if fields:
            blocks.append(fields)
    return blocks


def from_report(blocks: list[dict[str, str]], original_id: str) -> Bounce | None:
    failed: list[str] = []
    statuses: list[str] = []
    diagnostics: list[str] = []
    delayed = False
    for fields in blocks:
        recipient = fields.get("final-recipient") or fields.get("original-recipient")
        if not recipient:
            continue
        action = fields.get("action", "failed").lower().strip()
        if action not in ("failed", "delayed"):
            continue
        delayed = delayed or action == "delayed"
        address = recipient.split(";", 1)[-1].strip().strip("<>").lower()
        if "@" in address:
            failed.append(address)
        found = _STATUS.search(fields.get("status", ""))
        if found:
            statuses.append(found.group(1))
        if fields.get("diagnostic-code"):
            diagnostics.append(fields["diagnostic-code"].split(";", 1)[-1].strip())
    if not failed:
        return None
    status = statuses[0] if statuses else ("4.0.0" if delayed else "5.0.0")
    return Bounce(
        recipients=tuple(dict.fromkeys(failed)),
        status=status,
        diagnostic="; ".join(dict.fromkeys(diagnostics))[:1000],
        permanent=status.startswith("5"),
        original_message_id=original_id,
    )


def looks_like_bounce(sender: str, subject: str) -> bool:
    local = sender.split("@", 1)[0].lower()
    return local in _BOUNCE_SENDERS or (
        bool(_BOUNCE_SUBJECT.search(subject)) and local.startswith(("mailer", "postmaster"))
    )


def from_text(text: str, *, sender: str, own: str = "") -> Bounce | None:
    """A bounce read from the human-readable part: the failed address and status code."""
    status = _STATUS.search(text)
    addresses = [
        a.lower()
        for a in _ADDRESS.findall(text)
        if a.lower() != sender and a.split("@", 1)[0].lower() not in _BOUNCE_SENDERS
    ]
    if not addresses:
        return None
    code = status.group(1) if status else "5.0.0"
    diagnostic = next(
        (line.strip() for line in text.splitlines() if _STATUS.search(line)),
        next((line.strip() for line in text.splitlines() if line.strip()), ""),
    )
    original = _MESSAGE_ID.search(text)
    return Bounce(
        recipients=(addresses[0],),
        status=code,
        diagnostic=diagnostic[:1000],
        permanent=not code.startswith("4"),
        original_message_id=original.group(1) if original else "",
    )


def original_message_id(part: Message) -> str:
    """The Message-ID of the returned message (message/rfc822 or text/rfc822-headers)."""
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        value = payload[0].get("Message-ID", "")
        found = re.search(r"<([^<>\s]+)>", str(value))
        return found.group(1) if found else str(value).strip()
    raw = part.get_payload(decode=True)
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(payload)
    match = _MESSAGE_ID.search(text)
    return match.group(1) if match else ""

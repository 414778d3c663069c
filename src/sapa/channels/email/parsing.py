"""From raw RFC 5322 bytes to a ParsedEmail: headers decoded, the body as text and as
sanitised HTML, attachments kept or refused with a reason, auto-replies and bounces told.

Built on the standard library's `email` feed parser, which is lenient: it records defects
instead of raising. Anything the parser or this module still raises is caught, so the only
exception `parse_email` lets out is UnparseableEmail, for input that is not an email.

The parser runs with policy.compat32 and headers are decoded here: policy.default builds a
header object each time the parser looks at a Content-Type, which costs about 5 ms for a
typical 20 KB message, more than all the rest of the work together.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import Message
from email.parser import BytesParser

from sapa.channels.email.autoreply import auto_reply_reason
from sapa.channels.email.bounces import (
    Bounce,
    from_report,
    from_text,
    looks_like_bounce,
    report_fields,
    returned_message_id,
)
from sapa.channels.email.html_bodies import html_to_text, sanitise_html
from sapa.channels.email.parsing_headers import (
    addresses,
    collapse,
    decode_header_value,
    message_ids,
    own_message_id,
    parse_date,
)
from sapa.channels.email.parsing_parts import ParsedAttachment, PartReader, RefusedAttachment
from sapa.channels.email.quoting import split_quoted

__all__ = [
    "MAX_RAW_BYTES",
    "Bounce",
    "Mailbox",
    "ParsedAttachment",
    "ParsedEmail",
    "RefusedAttachment",
    "UnparseableEmail",
    "parse_email",
]

MAX_RAW_BYTES = 50 * 1024 * 1024
_PARSER = BytesParser(policy=policy.compat32)
# A header field name at the start of the input: what tells mail from other bytes.
_HEADER_LINE = re.compile(rb"[A-Za-z0-9][A-Za-z0-9_.-]*[ \t]*:")
_BOM = b"\xef\xbb\xbf"
_MAX_SUBJECT_CHARS = 2000


class UnparseableEmail(Exception):
    """The bytes are not an email we can take in; `reason` says why, in a short sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Mailbox:
    name: str
    address: str


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str
    sender: Mailbox
    reply_to: tuple[Mailbox, ...]
    to: tuple[Mailbox, ...]
    cc: tuple[Mailbox, ...]
    date: datetime | None
    text: str
    html: str
    visible_text: str
    attachments: tuple[ParsedAttachment, ...]
    refused: tuple[RefusedAttachment, ...]
    auto_reply: str
    bounce: Bounce | None
    is_calendar: bool
    defects: tuple[str, ...]
    header_lines: tuple[tuple[str, str], ...]


def parse_email(
    raw: bytes, *, max_attachment_bytes: int = 10 * 1024 * 1024, max_attachments: int = 50
) -> ParsedEmail:
    """Read one raw email.

    Attachments over `max_attachment_bytes`, or past the first `max_attachments`, are
    refused (listed with the reason), not kept. Raises UnparseableEmail, and nothing else,
    when the bytes are not an email or name no sender.
    """
    raw = bytes(raw)
    if len(raw) > MAX_RAW_BYTES:
        raise UnparseableEmail(f"larger than the {MAX_RAW_BYTES // (1024 * 1024)} MB limit")
    if not raw or raw.isspace():
        raise UnparseableEmail("the input is empty")
    body = raw.removeprefix(_BOM).lstrip(b"\r\n")
    if not _starts_with_header(body):
        raise UnparseableEmail("no header block: this is not an email")
    try:
        message = _PARSER.parsebytes(body)
        return _read(raw, message, max_attachment_bytes, max_attachments)
    except UnparseableEmail:
        raise
    except Exception as error:  # the last resort: say what broke rather than crash the caller
        raise UnparseableEmail(f"the email could not be read ({type(error).__name__})") from error


def _starts_with_header(raw: bytes) -> bool:
    if raw.startswith(b"From ") and b"\n" in raw:  # an mbox separator line
        raw = raw.split(b"\n", 1)[1]
    return bool(_HEADER_LINE.match(raw, 0, 1000))


def _read(raw: bytes, message: Message, max_bytes: int, max_count: int) -> ParsedEmail:
    headers = _Headers(message)
    sender = headers.sender()
    subject = collapse(headers.text("subject"))[:_MAX_SUBJECT_CHARS]
    parts = PartReader(max_bytes=max_bytes, max_count=max_count)
    parts.read(message)

    html = sanitise_html(parts.html) if parts.html else ""
    text = parts.text
    if not text.strip() and parts.html:
        text = html_to_text(parts.html)
    if "\r" in text:  # old Mac line ends, or a lone CR: one kind of line end for the text
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    visible, _folded = split_quoted(text) if text else ("", "")

    bounce = _bounce(headers, parts, sender=sender, subject=subject, text=text)
    auto_reply = auto_reply_reason(headers.first, subject)
    if bounce is not None or parts.delivery_reports:
        auto_reply = "delivery status notification"
    elif parts.is_read_receipt and not auto_reply:
        auto_reply = "read receipt"
    return ParsedEmail(
        message_id=own_message_id(headers.raw("message-id")) or _synthetic_id(raw),
        in_reply_to=tuple(message_ids(headers.raw("in-reply-to"))),
        references=tuple(message_ids(" ".join(headers.all("references")))),
        subject=subject,
        sender=sender,
        reply_to=headers.mailboxes("reply-to"),
        to=headers.mailboxes("to"),
        cc=headers.mailboxes("cc"),
        date=parse_date(headers.raw("date")),
        text=text,
        html=html,
        visible_text=visible,
        attachments=tuple(parts.attachments_with_html_references()),
        refused=tuple(parts.refused),
        auto_reply=auto_reply,
        bounce=bounce,
        is_calendar=parts.is_calendar,
        defects=tuple(dict.fromkeys(parts.defects)),
        header_lines=headers.decoded_lines(),
    )


def _synthetic_id(raw: bytes) -> str:
    """Stable for the same bytes, so that a second delivery is seen as the same mail."""
    return f"sapa-{hashlib.sha256(raw).hexdigest()[:32]}@missing-message-id"


def _bounce(
    headers: "_Headers", parts: PartReader, *, sender: Mailbox, subject: str, text: str
) -> Bounce | None:
    if parts.delivery_reports:
        blocks = [b for report in parts.delivery_reports for b in report_fields(report)]
        returned = parts.returned_message_id or returned_message_id(text)
        return from_report(blocks, original_message_id=returned, human_text=text)
    failed = [a for _, a in addresses(headers.all("x-failed-recipients"))]
    null_sender = headers.raw("return-path").strip() in ("<>", "< >")
    if not failed and not looks_like_bounce(
        sender=sender.address, subject=subject, null_return_path=null_sender
    ):
        return None
    ours = {m.address for m in (*headers.mailboxes("to"), *headers.mailboxes("cc"), sender)}
    return from_text(
        text,
        ignored=ours,
        failed_recipients=failed,
        original_message_id=parts.returned_message_id,
    )


class _Headers:
    """The top-level headers, read from their raw values (no header objects: see above)."""

    def __init__(self, message: Message) -> None:
        self.items = [(name, str(value)) for name, value in message.raw_items()]
        self.values: dict[str, list[str]] = {}
        for name, value in self.items:
            self.values.setdefault(name.lower(), []).append(value)
        self.first = {name: values[0] for name, values in self.values.items()}

    def raw(self, name: str) -> str:
        return self.first.get(name, "")

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])

    def text(self, name: str) -> str:
        return decode_header_value(self.raw(name))

    def mailboxes(self, name: str) -> tuple[Mailbox, ...]:
        return tuple(Mailbox(n, a) for n, a in addresses(self.all(name)))

    def sender(self) -> Mailbox:
        for name in ("from", "sender", "reply-to", "return-path"):
            found = self.mailboxes(name)
            if found:
                return found[0]
        raise UnparseableEmail("no sender address")

    def decoded_lines(self) -> tuple[tuple[str, str], ...]:
        return tuple((name, collapse(decode_header_value(value))) for name, value in self.items)

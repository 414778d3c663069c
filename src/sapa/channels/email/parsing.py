"""From raw RFC 5322 bytes to a ParsedEmail: headers decoded, bodies in text and sanitised
HTML, attachments kept or refused with a reason, auto-replies and bounces recognised.

Built on the standard library's `email` package (policy.default), which is lenient: it
records defects instead of raising. What is left to raise is caught here, so the only
exception `parse_email` lets out is UnparseableEmail, for input that is not an email.
"""

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from sapa.channels.email.autoreply import auto_reply_reason
from sapa.channels.email.bounces import (
    Bounce,
    from_report,
    from_text,
    looks_like_bounce,
    original_message_id,
    report_fields,
)
from sapa.channels.email.charsets import decode_text
from sapa.channels.email.quoting import split_quoted
from sapa.conversations.html import html_to_text, sanitise_html

__all__ = [
    "Bounce",
    "Mailbox",
    "ParsedAttachment",
    "ParsedEmail",
    "RefusedAttachment",
    "UnparseableEmail",
    "parse_email",
]

MAX_RAW_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 12
_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
_ID = re.compile(r"<([^<>\s]+)>")
_VALID_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+$")
_SPACES = re.compile(r"\s+")


class UnparseableEmail(Exception):
    """The bytes are not an email we can take in; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Mailbox:
    name: str
    address: str


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    content_id: str = ""
    inline: bool = False


@dataclass(frozen=True)
class RefusedAttachment:
    filename: str
    content_type: str
    size: int
    reason: str


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
    """Parse one raw email; raises UnparseableEmail (only) when it cannot be taken in."""
    if len(raw) > MAX_RAW_BYTES:
        raise UnparseableEmail(f"larger than {MAX_RAW_BYTES // (1024 * 1024)} MB")
    if not _has_header_block(raw):
        raise UnparseableEmail("no header block: this is not an email")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        return _Parser(raw, message, max_attachment_bytes, max_attachments).result()
    except UnparseableEmail:
        raise
    except Exception as error:  # the email package's last resort: keep it, say what broke
        raise UnparseableEmail(f"the MIME structure is broken ({type(error).__name__})") from None


def _has_header_block(raw: bytes) -> bool:
    head = raw.lstrip(b"\r\n")[:4096]
    if head.startswith(b"From ") and b"\n" in head:  # an mbox "From " line
        head = head.split(b"\n", 1)[1]
    first = head.split(b"\n", 1)[0]
    return bool(_HEADER_LINE.match(first))


class _Parser:
    def __init__(
        self, raw: bytes, message: Message, max_attachment_bytes: int, max_attachments: int
    ) -> None:
        self.raw = raw
        self.message = message
        self.max_bytes = max_attachment_bytes
        self.max_count = max_attachments
        self.texts: list[str] = []
        self.html: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self.refused: list[RefusedAttachment] = []
        self.defects: list[str] = []
        self.is_calendar = False
        self.report_blocks: list[dict[str, str]] = []
        self.returned_id = ""

    def result(self) -> ParsedEmail:
        message = self.message
        subject = _SPACES.sub(" ", self._header("Subject")).strip()
        sender = self._sender()
        self._walk(message, depth=0)
        for defect in getattr(message, "defects", []):
            self.defects.append(type(defect).__name__)
        html = sanitise_html("\n".join(self.html)) if self.html else ""
        text = "\n\n".join(t.strip("\n") for t in self.texts if t.strip()).strip()
        if not text and html:
            text = html_to_text(html)
        visible, _folded = split_quoted(text) if text else ("", "")
        auto = auto_reply_reason(message, subject)
        bounce = self._bounce(sender, subject, text)
        if bounce is not None and not auto:
            auto = "delivery status notification"
        return ParsedEmail(
            message_id=self._message_id(),
            in_reply_to=tuple(_ids(self._header("In-Reply-To"))[:1]),
            references=tuple(dict.fromkeys(_ids(self._header("References")))),
            subject=subject[:1000],
            sender=sender,
            reply_to=self._mailboxes("Reply-To"),
            to=self._mailboxes("To"),
            cc=self._mailboxes("Cc"),
            date=self._date(),
            text=text,
            html=html,
            visible_text=visible,
            attachments=tuple(self.attachments),
            refused=tuple(self.refused),
            auto_reply=auto,
            bounce=bounce,
            is_calendar=self.is_calendar,
            defects=tuple(dict.fromkeys(self.defects)),
            header_lines=tuple((name, self._decoded(value)) for name, value in message.raw_items()),
        )

    # --- headers --------------------------------------------------------------------

    def _header(self, name: str) -> str:
        values = [value for key, value in self.message.raw_items() if key.lower() == name.lower()]
        return self._decoded(values[0]) if values else ""

    def _decoded(self, raw_value: object) -> str:
        value = str(raw_value)
        if any("\udc80" <= ch <= "\udcff" for ch in value):
            # Undeclared 8-bit bytes in a header (common with UTF-8 subjects).
            return decode_text(value.encode("ascii", "surrogateescape"), None)[0].strip()
        try:
            return str(make_header(decode_header(value))).strip()
        except (LookupError, UnicodeError, ValueError, AssertionError):
            try:
                parts = decode_header(value)
                return "".join(
                    decode_text(chunk, charset)[0] if isinstance(chunk, bytes) else chunk
                    for chunk, charset in parts
                ).strip()
            except Exception:
                return value.strip()

    def _mailboxes(self, name: str) -> tuple[Mailbox, ...]:
        values = [v for k, v in self.message.raw_items() if k.lower() == name.lower()]
        found: list[Mailbox] = []
        for value in values:
            for display, address in _addresses(str(value)):
                display = self._decoded(display) if "=?" in display else display
                found.append(Mailbox(name=display.strip().strip('"'), address=address))
        return tuple(dict.fromkeys(found))

    def _sender(self) -> Mailbox:
        for name in ("From", "Sender", "Reply-To", "Return-Path"):
            boxes = self._mailboxes(name)
            if boxes:
                return boxes[0]
        raise UnparseableEmail("no sender address (From, Sender, Reply-To and Return-Path)")

    def _message_id(self) -> str:
        ids = _ids(self._header("Message-ID"))
        if ids:
            return ids[0][:490]
        return f"sapa-{hashlib.sha256(self.raw).hexdigest()[:32]}@missing-message-id"

    def _date(self) -> datetime | None:
        value = self._header("Date")
        if not value:
            return None
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        return parsed if parsed.tzinfo is not None else None

    # --- body -----------------------------------------------------------------------

    def _walk(self, part: Message, *, depth: int) -> None:
        if depth > MAX_DEPTH:
            self.defects.append("MIME nesting deeper than 12 levels was not read")
            return
        content_type = _content_type(part)
        # (message/* parts hold a list of messages, so they count as multipart: first.)
        if content_type == "message/delivery-status":
            self.report_blocks += report_fields(part)
            return
        if content_type == "message/rfc822" or (
            content_type.startswith("message/") and isinstance(part.get_payload(), list)
        ):
            self._keep_forwarded(part)
            return
        if part.is_multipart():
            self._walk_multipart(part, content_type, depth=depth)
            return
        if content_type == "text/rfc822-headers":
            self.returned_id = self.returned_id or original_message_id(part)
            return
        if content_type == "text/calendar":
            self.is_calendar = True
            self._keep(part, content_type, default_name="invite.ics")
            return
        if content_type in ("text/plain", "text/html") and not _is_attachment(part):
            text = self._text_of(part)
            (self.html if content_type == "text/html" else self.texts).append(text)
            return
        self._keep(part, content_type)

    def _walk_multipart(self, part: Message, content_type: str, *, depth: int) -> None:
        children = [c for c in (part.get_payload() or []) if isinstance(c, Message)]
        if content_type == "multipart/alternative":
            self._walk_alternative(children, depth=depth)
            return
        if content_type == "multipart/signed" and children:
            self._walk(children[0], depth=depth + 1)
            for signature in children[1:]:
                self._keep(signature, _content_type(signature), default_name="signature.asc")
            return
        if content_type == "multipart/report":
            for child in children:
                if _content_type(child) == "message/rfc822":
                    self.returned_id = self.returned_id or original_message_id(child)
                self._walk(child, depth=depth + 1)
            return
        for child in children:
            self._walk(child, depth=depth + 1)

    def _walk_alternative(self, children: list[Message], *, depth: int) -> None:
        """Keep the plain and the HTML version (each the richest one of its kind)."""
        texts_before, html_before = len(self.texts), len(self.html)
        for child in children:
            child_type = _content_type(child)
            if child_type == "text/plain" and len(self.texts) == texts_before:
                self.texts.append(self._text_of(child))
            elif child_type == "text/html" and len(self.html) == html_before:
                self.html.append(self._text_of(child))
            elif child.is_multipart() or child_type == "text/calendar":
                self._walk(child, depth=depth + 1)

    def _text_of(self, part: Message) -> str:
        payload = _payload_bytes(part, self.defects)
        text, defect = decode_text(payload, part.get_content_charset())
        if defect:
            self.defects.append(defect)
        return text

    def _keep_forwarded(self, part: Message) -> None:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message):
            try:
                content = inner.as_bytes(policy=policy.compat32)
            except Exception:
                content = inner.as_string(policy=policy.compat32).encode("utf-8", "replace")
            subject = _SPACES.sub(" ", self._decoded(inner.get("Subject", ""))).strip()
        else:
            content = _payload_bytes(part, self.defects)
            subject = ""
        name = _safe_filename(part.get_filename() or "") or f"{subject[:80] or 'forwarded'}.eml"
        self._add(name, "message/rfc822", content)

    def _keep(self, part: Message, content_type: str, *, default_name: str = "") -> None:
        content = _payload_bytes(part, self.defects)
        name = _safe_filename(self._filename(part)) or default_name
        if not name:
            extension = mimetypes.guess_extension(content_type) or ".bin"
            name = f"attachment-{len(self.attachments) + len(self.refused) + 1}{extension}"
        content_id = _ids(str(part.get("Content-ID", "")))
        disposition = (part.get_content_disposition() or "").lower()
        inline = bool(content_id) and disposition != "attachment"
        self._add(
            name,
            content_type,
            content,
            content_id=content_id[0] if content_id else "",
            inline=inline,
        )

    def _filename(self, part: Message) -> str:
        try:
            name = part.get_filename() or ""
        except Exception:
            name = ""
        return self._decoded(name) if "=?" in name else name

    def _add(
        self,
        name: str,
        content_type: str,
        content: bytes,
        *,
        content_id: str = "",
        inline: bool = False,
    ) -> None:
        if len(content) > self.max_bytes:
            limit = f"{self.max_bytes / (1024 * 1024):g} MB"
            self.refused.append(
                RefusedAttachment(
                    name, content_type, len(content), f"larger than the {limit} limit"
                )
            )
            return
        if len(self.attachments) >= self.max_count:
            self.refused.append(
                RefusedAttachment(
                    name, content_type, len(content), f"more than {self.max_count} attachments"
                )
            )
            return
        self.attachments.append(ParsedAttachment(name, content_type, content, content_id, inline))

    def _bounce(self, sender: Mailbox, subject: str, text: str) -> Bounce | None:
        if self.report_blocks:
            return from_report(self.report_blocks, self.returned_id)
        if looks_like_bounce(sender.address, subject):
            found = from_text(text, sender=sender.address)
            if found is not None and not found.original_message_id and self.returned_id:
                return Bounce(
                    found.recipients,
                    found.status,
                    found.diagnostic,
                    found.permanent,
                    self.returned_id,
                )
            return found
        return None


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:
        return "application/octet-stream"


def _is_attachment(part: Message) -> bool:
    try:
        disposition = (part.get_content_disposition() or "").lower()
    except Exception:
        disposition = ""
    return disposition == "attachment"


def _payload_bytes(part: Message, defects: list[str]) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        if any(type(d).__name__.startswith("InvalidBase64") for d in getattr(part, "defects", [])):
            defects.append("bad base64, decoded leniently")
        return payload
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def _ids(value: str) -> list[str]:
    found = _ID.findall(value)
    if found:
        return found
    # Some clients drop the angle brackets.
    return [token for token in value.split() if "@" in token and len(token) < 500]


def _addresses(value: str) -> list[tuple[str, str]]:
    found = []
    for name, address in getaddresses([value]):
        address = address.strip().strip("<>").lower()
        if _VALID_ADDRESS.match(address) and len(address) <= 254:
            found.append((name, address))
    return found


def _safe_filename(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    return name[:200]

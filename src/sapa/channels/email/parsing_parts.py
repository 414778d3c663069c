"""Walking a mail's MIME tree once: which parts make the body (text and HTML), which are
attachments (kept, or refused over the limits), and what reports and invites carry."""

import binascii
import mimetypes
import re
from dataclasses import dataclass, replace
from email import policy
from email.message import Message
from email.parser import BytesParser
from urllib.parse import unquote as url_unquote

from sapa.channels.email.bounces import returned_message_id
from sapa.channels.email.charsets import decode_text
from sapa.channels.email.parsing_headers import (
    collapse,
    decode_header_value,
    message_ids,
    mime_param,
    unfold,
)

_PARSER = BytesParser(policy=policy.compat32)
_MAX_DEPTH = 20
_MAX_FILENAME_CHARS = 200
_CALENDAR_TYPES = frozenset({"text/calendar", "application/ics"})
_BODY_TYPES = frozenset({"text/plain", "text/html"})
_REPORT_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})
_RECEIPT_TYPES = frozenset(
    {"message/disposition-notification", "message/global-disposition-notification"}
)
_RETURNED_HEADER_TYPES = frozenset({"text/rfc822-headers", "text/global-headers"})
_DEFAULT_NAMES = {
    "text/calendar": "invite.ics",
    "application/ics": "invite.ics",
    "application/ms-tnef": "winmail.dat",
    "application/vnd.ms-tnef": "winmail.dat",
    "application/pgp-signature": "signature.asc",
    "application/pgp-encrypted": "pgp-encrypted.asc",
    "application/pkcs7-signature": "smime.p7s",
    "application/x-pkcs7-signature": "smime.p7s",
    "application/pkcs7-mime": "smime.p7m",
    "application/x-pkcs7-mime": "smime.p7m",
}
# Python's built-in table only: the host's /etc/mime.types must not change file names.
_MIME_TYPES = mimetypes.MimeTypes()
_PLAIN_ENCODINGS = frozenset({"", "7bit", "8bit", "binary"})
_UU_ENCODINGS = frozenset({"x-uuencode", "uuencode", "uue", "x-uue"})
_BASE64_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n\t"
_BAD_QUOTED_PRINTABLE = re.compile(r"=(?![0-9A-Fa-f]{2}|[ \t]*\r?\n|[ \t]*\Z)")
_SEPARATOR_LINE = re.compile(r"^--([^\s\"]{1,200})[ \t]*\r?\n[A-Za-z][A-Za-z0-9-]*:", re.M)
_CHARSET_PARAMETER = re.compile(r";\s*charset\*?\s*=\s*[\"']?\s*([^\"';\s]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([\w.:-]{1,40})", re.I)
_UU_BEGIN = re.compile(r"begin [0-7]{3,4} (\S.*)$")
_ANGLE_ID = re.compile(r"<([^<>\s]+)>")
_DEFECT_NOTES = {
    "NoBoundaryInMultipartDefect": "a multipart part declares no boundary",
    "StartBoundaryNotFoundDefect": "a multipart boundary is not found in the body",
    "CloseBoundaryNotFoundDefect": "a multipart closing boundary is missing",
    "FirstHeaderLineIsContinuationDefect": "the first header line is a continuation line",
    "MisplacedEnvelopeHeaderDefect": "an mbox 'From ' line among the headers",
    "MissingHeaderBodySeparatorDefect": "a line in the headers is not a header",
    "MultipartInvariantViolationDefect": "a multipart part holds no parts",
    "InvalidMultipartContentTransferEncodingDefect": "a multipart part has a transfer encoding",
    "InvalidBase64PaddingDefect": "bad base64 padding, decoded leniently",
    "InvalidBase64CharactersDefect": "invalid characters in base64, skipped",
    "InvalidBase64LengthDefect": "truncated base64, decoded leniently",
}


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


class PartReader:
    """Reads the parts of one message (`read`), then holds what it found."""

    def __init__(self, *, max_bytes: int, max_count: int) -> None:
        self.max_bytes = max_bytes
        self.max_count = max_count
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self.refused: list[RefusedAttachment] = []
        self.defects: list[str] = []
        self.is_calendar = False
        self.is_read_receipt = False
        self.delivery_reports: list[Message] = []
        self.returned_message_id = ""
        self._kept: set[tuple[str, str, bytes]] = set()

    @property
    def text(self) -> str:
        return "\n\n".join(t.strip("\n") for t in self.texts if t.strip())

    @property
    def html(self) -> str:
        return "\n".join(self.htmls)

    def read(self, message: Message) -> None:
        self._walk(message, depth=0, is_body_candidate=True)

    def attachments_with_html_references(self) -> list[ParsedAttachment]:
        """The attachments, `inline` kept only where the HTML shows the image (cid:)."""
        if not any(a.inline for a in self.attachments):
            return self.attachments
        html = self.html.lower()
        if "%" in html:
            html += url_unquote(html)
        return [
            a if not a.inline or f"cid:{a.content_id.lower()}" in html else replace(a, inline=False)
            for a in self.attachments
        ]

    # --- the walk ---------------------------------------------------------------------

    def _walk(self, part: Message, *, depth: int, is_body_candidate: bool = False) -> None:
        try:
            self._visit(part, depth=depth, is_body_candidate=is_body_candidate)
        except Exception as error:  # one unreadable part must not cost the rest of the mail
            self.defects.append(f"a part could not be read ({type(error).__name__})")

    def _visit(self, part: Message, *, depth: int, is_body_candidate: bool) -> None:
        if depth > _MAX_DEPTH:
            self.defects.append("parts nested too deep were not read")
            return
        content_type = _content_type(part)
        self._note_defects(part)
        if content_type in _REPORT_TYPES:
            self.delivery_reports.append(part)
        elif content_type in _RECEIPT_TYPES:
            self.is_read_receipt = True
        elif content_type.startswith("message/"):
            self._keep_message(part, content_type)
        elif part.is_multipart():
            self._walk_multipart(part, content_type, depth=depth)
        elif content_type.startswith("multipart/"):
            self._recover_multipart(part, content_type, depth=depth)
        elif content_type in _RETURNED_HEADER_TYPES:
            if not self.returned_message_id:
                self.returned_message_id = returned_message_id(self._text(part, content_type))
        elif content_type in _CALENDAR_TYPES:
            self.is_calendar = True
            self._keep(part, content_type)
        elif content_type in _BODY_TYPES and self._is_body(part, is_body_candidate):
            text = self._text(part, content_type).replace("\r\n", "\n")
            if content_type == "text/html":
                self.htmls.append(text)
            else:
                self.texts.append(self._take_uuencoded(text) if "begin " in text else text)
        else:
            self._keep(part, content_type)

    def _walk_multipart(self, part: Message, content_type: str, *, depth: int) -> None:
        payload = part.get_payload()
        children = (
            [c for c in payload if isinstance(c, Message)] if isinstance(payload, list) else []
        )
        if content_type == "multipart/alternative":
            self._walk_alternative(children, depth=depth)
        elif content_type == "multipart/signed" and children:
            # The signed content is the message; the signature is kept as a file.
            self._walk(children[0], depth=depth + 1, is_body_candidate=True)
            for signature in children[1:]:
                self._keep(signature, _content_type(signature))
        else:
            for index, child in enumerate(children):
                self._walk(child, depth=depth + 1, is_body_candidate=index == 0)

    def _walk_alternative(self, children: list[Message], *, depth: int) -> None:
        """One plain and one rich version: the last HTML or multipart child (the richest,
        RFC 2046 5.1.4), and the first text/plain unless the rich one brought its own."""
        plain: Message | None = None
        rich: Message | None = None
        for child in children:
            child_type = _content_type(child)
            if child_type in _CALENDAR_TYPES:
                self._walk(child, depth=depth + 1)
            elif child_type == "text/plain":
                plain = plain or child
            elif child_type == "text/html" or child.is_multipart():
                rich = child
            elif not child_type.startswith("text/"):  # AMP, watch-html, enriched: not ours
                self._walk(child, depth=depth + 1)
        texts_before = len(self.texts)
        if rich is not None:
            self._walk(rich, depth=depth + 1, is_body_candidate=True)
        if plain is not None and len(self.texts) == texts_before:
            self._walk(plain, depth=depth + 1, is_body_candidate=True)

    def _recover_multipart(self, part: Message, content_type: str, *, depth: int) -> None:
        """A multipart whose boundary is missing or wrong: find the parts by the separator
        lines they do have, or else read the whole body as text."""
        body = raw_payload(part)
        separator = _SEPARATOR_LINE.search(body)
        if separator is not None:
            head = f'Content-Type: {content_type}; boundary="{separator.group(1)}"\n\n'
            rebuilt = _PARSER.parsebytes(head.encode() + body.encode("utf-8", "surrogateescape"))
            if rebuilt.is_multipart():
                self.defects.append("multipart boundary wrong or missing; parts found by separator")
                self._walk_multipart(rebuilt, content_type, depth=depth + 1)
                return
        self.defects.append("a multipart part without parts was read as text")
        text, _note = decode_text(body.encode("utf-8", "surrogateescape"), None)
        self.texts.append(text.replace("\r\n", "\n"))

    def _is_body(self, part: Message, is_body_candidate: bool) -> bool:
        """Text parts are the body unless marked as attachments; a named one is a file
        unless it is the message itself or an alternative."""
        if _disposition(part) == "attachment":
            return False
        return is_body_candidate or not _filename(part)

    # --- contents ---------------------------------------------------------------------

    def _payload(self, part: Message, content_type: str) -> bytes:
        """The part's bytes with the transfer encoding undone, leniently."""
        payload = raw_payload(part)
        encoding = _header(part, "content-transfer-encoding").strip().strip("\"'").lower()
        if encoding == "base64":
            if _is_plain_text(payload):
                self.defects.append(f"{content_type} part: declared base64 but is not; kept as is")
                return payload.encode("utf-8", "surrogateescape")
            known = len(part.defects)
            decoded = part.get_payload(decode=True)
            self._note_defects(part, start=known, prefix=f"{content_type} part: ")
            return decoded if isinstance(decoded, bytes) else b""
        if encoding == "quoted-printable":
            if _BAD_QUOTED_PRINTABLE.search(payload):
                self.defects.append(f"{content_type} part: broken quoted-printable, decoded as is")
            decoded = part.get_payload(decode=True)
            return decoded if isinstance(decoded, bytes) else b""
        if encoding in _UU_ENCODINGS:
            decoded = part.get_payload(decode=True)
            return decoded if isinstance(decoded, bytes) else b""
        if encoding not in _PLAIN_ENCODINGS:
            self.defects.append(f"{content_type} part: unknown transfer encoding {encoding!r}")
        return payload.encode("utf-8", "surrogateescape")

    def _text(self, part: Message, content_type: str) -> str:
        data = self._payload(part, content_type)
        declared = _CHARSET_PARAMETER.search(_header(part, "content-type"))
        label = declared.group(1) if declared else None
        if not label and content_type == "text/html":
            in_html = _META_CHARSET.search(data, 0, 4096)
            label = in_html.group(1).decode("ascii") if in_html else None
        text, note = decode_text(data, label)
        if note:
            self.defects.append(f"{content_type} part: {note}")
        return text

    def _take_uuencoded(self, text: str) -> str:
        """Files pasted into the text uuencoded (old clients) become attachments."""
        kept: list[str] = []
        lines = text.split("\n")
        index = 0
        while index < len(lines):
            begin = _UU_BEGIN.match(lines[index])
            if begin is None:
                kept.append(lines[index])
                index += 1
                continue
            end = _uu_block_end(lines, index + 1)
            if end == index or lines[end].rstrip() != "end":
                # Cut off: no block here, nor in the lines read to find that out.
                stop = max(end, index + 1)
                kept.extend(lines[index:stop])
                index = stop
                continue
            try:
                data = b"".join(binascii.a2b_uu(line) for line in lines[index + 1 : end])
            except (binascii.Error, ValueError):
                self.defects.append("a broken uuencoded block is left in the text")
                kept.extend(lines[index : end + 1])
            else:
                name = _safe_filename(begin.group(1)) or "attachment.bin"
                content_type = _MIME_TYPES.guess_type(name)[0] or "application/octet-stream"
                self._add(name, content_type, data)
            index = end + 1
        return "\n".join(kept)

    def _keep_message(self, part: Message, content_type: str) -> None:
        """An attached mail (a forward as attachment, a bounce's returned original) is kept
        as an .eml file, its body not merged into this one's."""
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        encoding = _header(part, "content-transfer-encoding").strip().lower()
        if isinstance(inner, Message) and encoding not in ("base64", "quoted-printable"):
            content = inner.as_bytes()
        else:
            # Encoded against RFC 2046's rule, or unreadable: undo the encoding, read again.
            source = inner.as_string() if isinstance(inner, Message) else raw_payload(part)
            helper = Message()
            helper["Content-Transfer-Encoding"] = encoding or "8bit"
            helper.set_payload(source.lstrip("\r\n"))
            content = self._payload(helper, content_type)
            inner = _PARSER.parsebytes(content, headersonly=True)
        subject = collapse(decode_header_value(_header(inner, "subject")))
        returned = message_ids(_header(inner, "message-id"))
        if returned and not self.returned_message_id:
            self.returned_message_id = returned[0]
        title = _safe_filename(subject.replace("/", " ").replace("\\", " "))[:120]
        name = _filename(part) or f"{title or 'forwarded-message'}.eml"
        kept_type = "message/rfc822" if content_type == "message/global" else content_type
        self._add(name, kept_type, content)

    def _keep(self, part: Message, content_type: str) -> None:
        content = self._payload(part, content_type)
        name = _filename(part) or _DEFAULT_NAMES.get(content_type) or self._numbered(content_type)
        content_id = _content_id(part)
        # Inline for now; attachments_with_html_references keeps it only if the HTML shows it.
        self._add(name, content_type, content, content_id=content_id, inline=bool(content_id))

    def _numbered(self, content_type: str) -> str:
        extension = _MIME_TYPES.guess_extension(content_type) or ".bin"
        return f"attachment-{len(self.attachments) + len(self.refused) + 1}{extension}"

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
            reason = f"larger than the {_size_text(self.max_bytes)} limit"
            self.refused.append(RefusedAttachment(name, content_type, len(content), reason))
        elif len(self.attachments) >= self.max_count:
            reason = f"more than {self.max_count} attachments"
            self.refused.append(RefusedAttachment(name, content_type, len(content), reason))
        elif (name, content_id, content) not in self._kept:  # Outlook sends invites twice
            self._kept.add((name, content_id, content))
            self.attachments.append(
                ParsedAttachment(name, content_type, content, content_id, inline)
            )

    def _note_defects(self, part: Message, *, start: int = 0, prefix: str = "") -> None:
        for defect in part.defects[start:]:
            kind = type(defect).__name__
            self.defects.append(prefix + _DEFECT_NOTES.get(kind, kind))


def raw_payload(part: Message) -> str:
    """The part's body as parsed (8-bit bytes as surrogate escapes); "" for a multipart.
    Not get_payload(): for 8-bit text it decodes with the declared charset, losing the
    bytes of an unknown or wrong one before we could guess."""
    payload = getattr(part, "_payload", None)
    return payload if isinstance(payload, str) else ""


def _is_plain_text(payload: str) -> bool:
    """Text that a broken mailer labelled base64: its first line has spaces or is mostly
    not base64. (A few bad characters in base64 lines are skipped when decoding.)"""
    first = payload.lstrip().split("\n", 1)[0].strip()
    if not first:
        return False
    outside = first.encode("latin-1", "replace").translate(None, _BASE64_BYTES)
    return " " in first or len(outside) * 10 > len(first)


def _uu_block_end(lines: list[str], start: int) -> int:
    """The index of the block's "end" line, or of the line that shows it is no block (a
    blank or long line), or len(lines) - 1."""
    for index in range(start, len(lines)):
        line = lines[index].rstrip()
        if line == "end" or not line or len(line) > 62:  # uuencoded lines are short
            return index
    return len(lines) - 1


def _header(part: Message, name: str) -> str:
    """The raw value of a part's header, "" when absent."""
    for key, value in part.raw_items():
        if key.lower() == name:
            return str(value)
    return ""


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except (LookupError, UnicodeError, ValueError, AttributeError):
        return "application/octet-stream"


def _disposition(part: Message) -> str:
    return _header(part, "content-disposition").split(";", 1)[0].strip().lower()


def _filename(part: Message) -> str:
    disposition = _header(part, "content-disposition")
    name = mime_param(disposition, "filename") if disposition else ""
    if not name:
        content_type = _header(part, "content-type")
        name = mime_param(content_type, "name") if content_type else ""
    return _safe_filename(name)


def _content_id(part: Message) -> str:
    value = unfold(_header(part, "content-id")).strip()
    found = _ANGLE_ID.search(value)
    return found.group(1) if found else value.strip("<>").strip()


def _safe_filename(name: str) -> str:
    """The last path segment, printable characters only, at most 200 characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = collapse("".join(ch for ch in name if ch.isprintable())).strip(". ")
    if len(name) > _MAX_FILENAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            return f"{stem[: _MAX_FILENAME_CHARS - len(extension) - 1]}.{extension}"
        return name[:_MAX_FILENAME_CHARS]
    return name


def _size_text(size: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{round(size / scale, 1):g} {unit}"
    return f"{size} bytes"

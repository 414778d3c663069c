"""parse_email on hostile input: arbitrary bytes, and well-formed mail that hypothesis builds
and then breaks (flipped bytes, truncation, lost boundaries). It returns a ParsedEmail that
keeps its promises, or raises UnparseableEmail; nothing else."""

import base64
import quopri

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sapa.channels.email.parsing import ParsedEmail, UnparseableEmail, parse_email

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CHARSETS = [
    "utf-8", "us-ascii", "iso-8859-1", "windows-1252", "gb2312", "shift_jis", "koi8-r",
    "utf-16", "x-unknown", "utf8mb4", "unicode-1-1-utf-7", "base64", "",
]  # fmt: skip
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "bogus"]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=120)
TOKEN = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_=.", min_size=1, max_size=30)


def check(raw: bytes, *, max_bytes: int = 10 * 1024 * 1024, max_count: int = 50) -> None:
    """The contract: a ParsedEmail that keeps its promises, or UnparseableEmail."""
    try:
        parsed = parse_email(raw, max_attachment_bytes=max_bytes, max_attachments=max_count)
    except UnparseableEmail as error:
        reason = error.reason
        assert reason
        return
    assert isinstance(parsed, ParsedEmail)
    assert parsed.message_id
    assert "@" in parsed.sender.address
    assert parsed.visible_text in parsed.text
    assert parsed.date is None or parsed.date.tzinfo is not None
    assert len(parsed.attachments) <= max_count
    for attachment in parsed.attachments:
        assert attachment.filename
        assert len(attachment.content) <= max_bytes
    for refused in parsed.refused:
        assert refused.filename
        assert refused.size > max_bytes or "attachments" in refused.reason


@FUZZ
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(raw):
    check(raw)


@FUZZ
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_after_a_header(raw):
    check(b"From: budi@gmail.test\r\n" + raw)


@st.composite
def parts(draw: st.DrawFn) -> str:
    """One MIME part: its headers and (transfer-encoded) body."""
    kind = draw(st.sampled_from(["text/plain", "text/html", "image/png", "text/calendar"]))
    charset = draw(st.sampled_from(CHARSETS))
    encoding = draw(st.sampled_from(ENCODINGS))
    text = draw(TEXT)
    try:
        data = text.encode(charset or "utf-8", "replace")
    except LookupError:
        data = text.encode("utf-8")
    if encoding == "base64":
        body = base64.encodebytes(data).decode()
    elif encoding == "quoted-printable":
        body = quopri.encodestring(data).decode()
    else:
        body = data.decode("latin-1")
    headers = f"Content-Type: {kind}; charset={charset}\nContent-Transfer-Encoding: {encoding}\n"
    if draw(st.booleans()):
        name = draw(TEXT)
        headers += f"Content-Disposition: attachment; filename*=utf-8''{name.encode().hex()}\n"
    if draw(st.booleans()):
        headers += f"Content-ID: <{draw(TOKEN)}@sapa>\n"
    return f"{headers}\n{body}"


@st.composite
def emails(draw: st.DrawFn) -> bytes:
    """A well-formed mail: drawn headers, then one part or a (nested) multipart."""
    subject = draw(TEXT)
    headers = [
        f"From: {draw(st.sampled_from(['Budi', '=?utf-8?b?QnVkaQ==?=', '']))} "
        f"<{draw(TOKEN)}@gmail.test>",
        f"To: cs@tokobuku.test, {draw(TOKEN)}",
        f"Subject: {subject}" if draw(st.booleans()) else "Subject: =?utf-8?q?Halo_kak?=",
        f"Message-ID: <{draw(TOKEN)}@gmail.test>" if draw(st.booleans()) else "X-No-Id: 1",
        draw(st.sampled_from(["Date: Mon, 23 Nov 2026 10:12:33 +0700", "Date: nanti", ""])),
    ]
    boundary = draw(TOKEN)
    chosen = draw(st.lists(parts(), min_size=1, max_size=4))
    if len(chosen) == 1 and draw(st.booleans()):
        body = chosen[0]
    else:
        subtype = draw(st.sampled_from(["mixed", "alternative", "related", "signed", "report"]))
        inner = "".join(f"--{boundary}\n{part}\n" for part in chosen)
        if draw(st.booleans()):
            inner += f"--{boundary}\nContent-Type: message/rfc822\n\nFrom: a@b.test\n\nHalo\n"
        head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\n\n'
        body = f"{head}{inner}--{boundary}--\n"
    text = "\n".join(h for h in headers if h) + "\n" + body
    line_end = draw(st.sampled_from(["\r\n", "\n"]))
    return text.replace("\n", line_end).encode("utf-8", "surrogateescape")


@st.composite
def broken_emails(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(emails()))
    for _ in range(draw(st.integers(0, 8))):
        position = draw(st.integers(0, len(raw) - 1))
        raw[position] = draw(st.integers(0, 255))
    mutation = draw(st.sampled_from(["none", "truncate", "drop boundaries", "drop blank line"]))
    if mutation == "truncate":
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif mutation == "drop boundaries":
        raw = bytearray(raw.replace(b"\n--", b"\n"))
    elif mutation == "drop blank line":
        raw = bytearray(raw.replace(b"\r\n\r\n", b"\r\n", 1).replace(b"\n\n", b"\n", 1))
    return bytes(raw)


@FUZZ
@given(emails(), st.integers(0, 300), st.integers(0, 3))
def test_well_formed_mail_keeps_the_contract(raw, max_bytes, max_count):
    check(raw, max_bytes=max_bytes, max_count=max_count)


@FUZZ
@given(broken_emails())
def test_broken_mail_keeps_the_contract(raw):
    check(raw, max_bytes=200, max_count=2)


@FUZZ
@given(emails())
def test_well_formed_mail_with_a_sender_always_parses(raw):
    try:
        parsed = parse_email(raw)
    except UnparseableEmail as error:  # pragma: no cover - the failure is the message
        raise AssertionError(f"refused a well-formed mail: {error.reason}") from error
    assert not [d for d in parsed.defects if "could not be read" in d]

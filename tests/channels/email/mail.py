"""Building raw emails for the tests, as mail clients and servers write them."""

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sapa.core import clock

SUPPORT = "cs@tokobuku.test"


def customer_email(
    text: str = "Halo min, pesanan INV-1001 saya belum sampai, mohon dicek ya.",
    *,
    sender: str = "Budi Santoso <budi@gmail.test>",
    subject: str = "Pesanan belum sampai",
    to: str = f"Toko Buku Sapa <{SUPPORT}>",
    cc: str = "",
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = message_id or make_msgid(domain="gmail.test")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    return bytes(message)


def answer_to(
    sent: EmailMessage, text: str, *, sender: str, headers: dict[str, str] | None = None
) -> bytes:
    """What a mail client writes when its user answers `sent`: Re: subject, In-Reply-To
    the sent Message-ID, References the sent chain plus it, and the quoted original."""
    references = " ".join(filter(None, [str(sent.get("References", "")), sent["Message-ID"]]))
    quoted = "\n".join(f"> {line}" for line in sent.get_body(("plain",)).get_content().splitlines())
    subject = str(sent["Subject"])
    return customer_email(
        f"{text}\n\nPada hari ini {sent['From']} menulis:\n{quoted}\n",
        sender=sender,
        subject=subject if subject.lower().startswith("re:") else f"Re: {subject}",
        in_reply_to=sent["Message-ID"],
        references=references,
        headers=headers,
    )

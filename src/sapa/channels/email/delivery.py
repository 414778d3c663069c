"""Sending replies by email: a threaded MIME message out through the mailbox's SMTP server.

Called by the delivery task from the worker; the outbox around it retries temporary
failures with backoff and records permanent ones on the message.
"""

import logging
import smtplib
import ssl
from email.utils import formataddr
from functools import cached_property
from html import escape
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend

from sapa.channels.base import Capabilities
from sapa.channels.email.ids import outbound_message_id, subject_with_token
from sapa.channels.email.mailboxes import mailbox_for_ticket
from sapa.channels.email.models import Mailbox
from sapa.channels.email.servers import BadServerURL, Security, ServerURL, parse_server_url
from sapa.channels.kinds import Channel
from sapa.channels.log.adapter import LogAdapter
from sapa.channels.messages import DeliveryResult, OutboundMessage
from sapa.conversations.models import AuthorKind, Message, TicketParticipant

logger = logging.getLogger(__name__)

CAPABILITIES = Capabilities(supports_html=True, supports_attachments=True)
# How many earlier Message-IDs go into References (RFC 5322 asks for the chain; mail
# clients cope with long ones, but a 200-message ticket needs no 200-id header).
MAX_REFERENCES = 12
SMTP_TIMEOUT_SECONDS = 30


def smtp_connection(smtp_url: str) -> BaseEmailBackend:
    """A connection for an SMTP URL (see servers.py), trusting its CA file when it names
    one; Django's own email settings when the URL is empty or not valid."""
    if not smtp_url:
        return get_connection()
    try:
        server = parse_server_url(smtp_url, "smtp")
    except BadServerURL:
        logger.warning("the SMTP URL is not valid; using Django's email settings")
        return get_connection()
    return _Backend(server)


class _Backend(EmailBackend):
    """Django's SMTP backend, trusting the mailbox's own CA file when it names one."""

    def __init__(self, server: ServerURL, **kwargs: Any) -> None:
        self.server = server
        super().__init__(
            host=server.host,
            port=server.port,
            username=server.username or None,
            password=server.password or None,
            use_tls=server.security == Security.STARTTLS,
            use_ssl=server.security == Security.TLS,
            timeout=SMTP_TIMEOUT_SECONDS,
            fail_silently=False,
            **kwargs,
        )

    @cached_property
    def ssl_context(self) -> ssl.SSLContext:
        return self.server.ssl_context()


class EmailAdapter:
    capabilities = CAPABILITIES

    def __init__(self) -> None:
        self._fallback = LogAdapter(CAPABILITIES)

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        stored = Message.objects.select_related("ticket", "author_agent").get(pk=message.message_id)
        mailbox = mailbox_for_ticket(stored.ticket)
        smtp_url = (mailbox.smtp_url if mailbox else "") or settings.SAPA_SMTP_URL
        if not smtp_url:
            # Nothing to send through yet (a fresh install, the demo): the message is kept by
            # the log adapter, and the console shows it as sent there.
            return self._fallback.deliver(message)
        try:
            server = parse_server_url(smtp_url, "smtp")
        except BadServerURL as error:
            return DeliveryResult(ok=False, error=f"SMTP URL: {error}", temporary=True)
        email, message_id = build_email(stored, message, mailbox)
        try:
            with _Backend(server) as connection:
                connection.send_messages([email])
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            reasons = "; ".join(
                f"{rcpt}: {code} {_text(text)}" for rcpt, (code, text) in error.recipients.items()
            )
            return DeliveryResult(ok=False, error=reasons, temporary=all(c < 500 for c in codes))
        except smtplib.SMTPResponseException as error:
            text = _text(error.smtp_error)
            return DeliveryResult(
                ok=False, error=f"{error.smtp_code} {text}".strip(), temporary=error.smtp_code < 500
            )
        except (smtplib.SMTPException, OSError) as error:
            # Unreachable, timed out, TLS trouble, disconnected: worth another try.
            reason = f"{type(error).__name__}: {error}"
            return DeliveryResult(ok=False, error=reason, temporary=True)
        return DeliveryResult(ok=True, external_id=message_id)


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def build_email(
    stored: Message, outbound: OutboundMessage, mailbox: Mailbox | None
) -> tuple[EmailMultiAlternatives, str]:
    """The MIME message for an outbound Sapa message, and its Message-ID (without <>)."""
    ticket = stored.ticket
    address = mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL
    domain = address.rsplit("@", 1)[-1].strip(">").lower()
    message_id = outbound_message_id(stored.pk, domain)
    earlier = _earlier_ids(stored)
    headers = {"Message-ID": f"<{message_id}>"}
    if earlier:
        headers["In-Reply-To"] = f"<{earlier[-1]}>"
        headers["References"] = " ".join(f"<{i}>" for i in earlier)
    if stored.author_kind in (AuthorKind.SYSTEM, AuthorKind.BOT):
        # RFC 3834: say it is automatic, and ask Exchange not to answer it automatically.
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    unsubscribe = stored.meta.get("list_unsubscribe") if isinstance(stored.meta, dict) else None
    if isinstance(unsubscribe, str) and unsubscribe.startswith(("https://", "http://")):
        # RFC 2369 and RFC 8058: the mail client's own unsubscribe button, one click.
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        headers["Auto-Submitted"] = "auto-generated"
    sender_name = mailbox.name if mailbox else ""
    if stored.author_agent is not None and stored.author_kind == AuthorKind.AGENT:
        agent_name = stored.author_agent.display_name
        sender_name = f"{agent_name} ({sender_name})" if sender_name else agent_name
    email = EmailMultiAlternatives(
        subject=subject_with_token(ticket.subject, ticket.number),
        body=outbound.text,
        from_email=formataddr((sender_name, address)) if mailbox else address,
        to=[outbound.to_address],
        cc=_copied(stored, exclude={outbound.to_address.lower(), address.lower()}),
        headers=headers,
    )
    email.attach_alternative(outbound.html or _text_as_html(outbound.text), "text/html")
    for attachment in outbound.attachments:
        with default_storage.open(attachment.path, "rb") as handle:
            email.attach(attachment.filename, handle.read(), attachment.content_type)
    return email, message_id


def _earlier_ids(stored: Message) -> list[str]:
    """Message-IDs of the ticket's email before this one, oldest first."""
    ids = (
        Message.objects.filter(
            ticket_id=stored.ticket_id,
            channel=Channel.EMAIL,
            external_id__isnull=False,
            created_at__lte=stored.created_at,
        )
        .exclude(pk=stored.pk)
        .order_by("-created_at", "-id")
        .values_list("external_id", flat=True)[:MAX_REFERENCES]
    )
    return [i for i in reversed(ids) if i and not i.startswith("log-")]


def _copied(stored: Message, *, exclude: set[str]) -> list[str]:
    addresses = TicketParticipant.objects.filter(
        ticket_id=stored.ticket_id, channel=Channel.EMAIL
    ).values_list("address", flat=True)
    return [a for a in addresses if a.lower() not in exclude]


def _text_as_html(text: str) -> str:
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    body = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return f'<!DOCTYPE html><html><body style="font-family: sans-serif">{body}</body></html>'

"""A chat's transcript by email, when the visitor asks for it at the end of a conversation."""

import logging
from email.utils import formataddr

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from sapa.channels.chat.exceptions import ChatRateLimited
from sapa.channels.chat.models import ChatVisitor
from sapa.channels.email.delivery import smtp_connection
from sapa.conversations.models import Direction, Message, Ticket
from sapa.core import rate_limits
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.customers.addresses import InvalidAddress, normalise_email
from sapa.helpcenter.branding import branding
from sapa.helpcenter.portal.mail import site_sender

logger = logging.getLogger(__name__)

TRANSCRIPTS_PER_VISITOR_PER_HOUR = 3


def request_transcript(visitor: ChatVisitor, *, email: str, ip: str = "") -> None:
    """Queue the current conversation's transcript to `email`. Raises InvalidInput (no
    conversation, bad address) or ChatRateLimited."""
    from django.utils.translation import gettext as _

    if visitor.current_ticket_id is None:
        raise InvalidInput(_("There is no conversation to send yet."), loc=["body", "email"])
    try:
        address = normalise_email(email)
    except InvalidAddress:
        raise InvalidInput(_("Enter a valid email address."), loc=["body", "email"]) from None
    if not rate_limits.allow(
        "chat-transcript", visitor.public_id, limit=TRANSCRIPTS_PER_VISITOR_PER_HOUR
    ) or not rate_limits.allow(
        "chat-transcript-ip", ip, limit=TRANSCRIPTS_PER_VISITOR_PER_HOUR * 5
    ):
        raise ChatRateLimited()
    ticket = Ticket.objects.get(pk=visitor.current_ticket_id)
    with transaction.atomic():
        record_event(
            Actor.customer(label=visitor.public_id),
            "chat.transcript_requested",
            ticket,
            after={"to": address},
        )
        lang = visitor.lang
        transaction.on_commit(lambda: _enqueue(ticket.pk, address, lang))


def _enqueue(ticket_id: int, address: str, lang: str) -> None:
    from sapa.channels.chat.tasks import send_transcript

    send_transcript(ticket_id, address, lang)


def transcript_lines(ticket: Ticket) -> list[dict[str, object]]:
    rows = []
    messages = (
        Message.objects.filter(ticket=ticket)
        .exclude(direction=Direction.NOTE)
        .select_related("author_agent")
        .order_by("created_at", "pk")
    )
    for message in messages:
        if message.direction == Direction.INBOUND:
            who = ticket.customer.name or ""
        elif message.author_agent is not None:
            who = message.author_agent.display_name
        else:
            who = branding().shop_name
        rows.append({"who": who, "at": message.created_at, "text": message.text})
    return rows


def deliver_transcript(ticket: Ticket, *, to: str, lang: str) -> None:
    """Send it; a failure is logged (the visitor was told it is on its way)."""
    with translation.override(lang):
        context = {
            "shop": branding().shop_name,
            "ticket": ticket,
            "lines": transcript_lines(ticket),
        }
        subject = render_to_string("chat/transcript_subject.txt", context)
        body = render_to_string("chat/transcript_email.txt", context)
    address, smtp_url = site_sender()
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=formataddr((branding().shop_name, address)),
        to=[to],
        connection=smtp_connection(smtp_url),
    )
    try:
        message.send()
    except Exception:
        logger.exception("could not send the transcript of ticket %s", ticket.pk)

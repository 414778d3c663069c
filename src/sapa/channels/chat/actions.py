"""What a chat visitor does (open the widget, write, upload, type, read, leave their details)
and what agents do that the widget shows (read receipts). The chat adapter's inbound side:
visitor messages enter Sapa through `receive_inbound` like every channel's."""

import logging
import mimetypes
import re
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from sapa.accounts.models import Agent
from sapa.channels.chat import queries
from sapa.channels.chat.access import visitor_for_token
from sapa.channels.chat.exceptions import ChatRateLimited, UnknownVisitor
from sapa.channels.chat.models import ChatVisitor, ChatWidget
from sapa.channels.kinds import Channel, IdentityKind
from sapa.channels.messages import Address, InboundAttachment, InboundMessage
from sapa.conversations.actions import receive_inbound
from sapa.conversations.attachment_files import looks_like
from sapa.conversations.models import Direction, Message, Ticket, TicketStatus
from sapa.conversations.realtime import send_to_groups, ticket_group
from sapa.core import clock, rate_limits
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.customers.actions import update_customer
from sapa.customers.addresses import InvalidAddress, normalise_email, normalise_phone

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 4000
UPLOAD_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MINUTE = 60


def visitor_group(visitor_id: int) -> str:
    return f"chat.visitor.{visitor_id}"


def open_session(
    widget: ChatWidget,
    *,
    token: object,
    lang: str,
    page_url: str = "",
    page_title: str = "",
    user_agent: str = "",
    ip: str = "",
) -> ChatVisitor:
    """The visitor behind `token`, or a new one when the token is missing or not valid for
    this widget (a cleared or forged token starts afresh; it never reaches anyone else)."""
    try:
        visitor = visitor_for_token(token, widget=widget)
    except UnknownVisitor:
        if not rate_limits.allow(
            "chat-new-visitor-ip", ip, limit=settings.SAPA_CHAT_NEW_VISITORS_PER_IP_PER_HOUR
        ):
            raise ChatRateLimited() from None
        visitor = ChatVisitor.objects.create(widget=widget, lang=lang)
    visitor.lang = lang
    visitor.user_agent = user_agent[:300]
    visitor.last_seen_at = clock.now()
    fields = ["lang", "user_agent", "last_seen_at"]
    if page_url:
        visitor.page_url, visitor.page_title = page_url[:1000], page_title[:300]
        fields += ["page_url", "page_title"]
    visitor.save(update_fields=fields)
    return visitor


def _check_rate(visitor: ChatVisitor, ip: str) -> None:
    per_visitor = settings.SAPA_CHAT_MESSAGES_PER_MINUTE
    if not rate_limits.allow(
        "chat-visitor", visitor.public_id, limit=per_visitor, window_seconds=MINUTE
    ) or not rate_limits.allow("chat-ip", ip, limit=per_visitor * 5, window_seconds=MINUTE):
        raise ChatRateLimited()


def _checked_client_id(client_id: object) -> str:
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
        raise InvalidInput(_("A message needs a client_id."), loc=["body", "client_id"])
    return client_id


def visitor_says(
    visitor: ChatVisitor,
    *,
    text: str,
    client_id: object,
    choice: str | None = None,
    attachments: Sequence[InboundAttachment] = (),
    ip: str = "",
) -> Message:
    """Store what the visitor wrote on their conversation (a new one after a closed one),
    then let the bot answer. Sending the same client_id twice stores one message."""
    client = _checked_client_id(client_id)
    text = (text or "").strip()
    if not text and not attachments:
        raise InvalidInput(_("Write a message first."), loc=["body", "text"])
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(
            _("A message can have at most %(count)d characters.") % {"count": MAX_TEXT_CHARS},
            loc=["body", "text"],
        )
    _check_rate(visitor, ip)
    current = visitor.current_ticket
    ticket_id = (
        current.pk if current is not None and current.status != TicketStatus.CLOSED else None
    )
    meta: dict[str, object] = {"client_id": client, "page_url": visitor.page_url}
    if visitor.page_title:
        meta["page_title"] = visitor.page_title
    if choice:
        meta["choice"] = str(choice)[:20]
    result = receive_inbound(
        InboundMessage(
            channel=Channel.CHAT,
            external_id=f"chat:{visitor.public_id}:{client}",
            addresses=(Address(IdentityKind.CHAT_VISITOR, visitor.public_id),),
            text=text or ", ".join(a.filename for a in attachments),
            sender_name=visitor.name,
            ticket_id=ticket_id,
            thread_by_recency=False,
            team_id=visitor.widget.team_id,
            attachments=tuple(attachments),
            meta=meta,
        )
    )
    if visitor.current_ticket_id != result.ticket_id or visitor.customer_id != result.customer_id:
        visitor.current_ticket_id = result.ticket_id
        visitor.customer_id = result.customer_id
        visitor.save(update_fields=["current_ticket", "customer"])
        send_to_groups([visitor_group(visitor.pk)], {"type": "chat.conversation"})
    message = Message.objects.select_related("ticket").get(pk=result.message_id)
    if result.created:
        _after_message(visitor, message, choice=choice)
    return message


def visitor_uploads(
    visitor: ChatVisitor,
    *,
    content: bytes,
    filename: str,
    content_type: str,
    client_id: object,
    text: str = "",
    ip: str = "",
) -> Message:
    """A file from the visitor: an image or PDF within the widget's size limit, checked by
    its bytes. Raises InvalidInput (loc body.file) otherwise."""
    limit = min(visitor.widget.max_upload_bytes, settings.SAPA_MAX_ATTACHMENT_BYTES)
    if not content:
        raise InvalidInput(_("The file is empty."), loc=["body", "file"])
    if len(content) > limit:
        raise InvalidInput(_("The file is too large."), loc=["body", "file"])
    declared = content_type.split(";")[0].strip().lower() or (
        mimetypes.guess_type(filename)[0] or ""
    )
    if declared not in UPLOAD_TYPES or not looks_like(content, declared):
        raise InvalidInput(
            _("Only images (JPEG, PNG, WebP, GIF) and PDF files."), loc=["body", "file"]
        )
    attachment = InboundAttachment(filename=filename[:200], content_type=declared, content=content)
    return visitor_says(visitor, text=text, client_id=client_id, attachments=(attachment,), ip=ip)


def _after_message(visitor: ChatVisitor, message: Message, *, choice: str | None) -> None:
    """The bot answers; when it cannot (switched off) and nobody can answer now, the visitor
    is told when to expect an answer. A failure here never undoes the stored message."""
    from sapa.bot import engine

    try:
        if visitor.widget.bot_enabled and engine.enabled_on(Channel.CHAT):
            engine.respond(message.pk, choice=choice)
        else:
            engine.tell_when_answered(
                message.ticket,
                trigger=message,
                team_id=visitor.widget.team_id,
                lang=visitor.lang,
                widget=visitor.widget,
            )
    except Exception:
        logger.exception("bot turn on message %s failed", message.pk)


def new_conversation(visitor: ChatVisitor) -> ChatVisitor:
    """The visitor's next message starts a new ticket (the current one stays as it is)."""
    if visitor.current_ticket_id is not None:
        visitor.current_ticket = None
        visitor.save(update_fields=["current_ticket"])
    return visitor


def update_profile(visitor: ChatVisitor, *, name: str, email: str, whatsapp: str) -> ChatVisitor:
    """The pre-chat form. Kept on the visitor as given (unverified): it is shown to agents
    and used for the transcript, never to find or join a customer record."""
    name = " ".join((name or "").split())[:200]
    clean_email = ""
    if (email or "").strip():
        try:
            clean_email = normalise_email(email)
        except InvalidAddress:
            raise InvalidInput(_("Enter a valid email address."), loc=["body", "email"]) from None
    clean_phone = ""
    if (whatsapp or "").strip():
        try:
            clean_phone = normalise_phone(whatsapp)
        except InvalidAddress:
            raise InvalidInput(
                _("Enter a valid WhatsApp number, e.g. 0812 3456 7890."), loc=["body", "whatsapp"]
            ) from None
    required = visitor.widget.prechat_required
    for field, value in (("name", name), ("email", clean_email), ("whatsapp", clean_phone)):
        if required and field in visitor.widget.prechat_fields and not value and field != "email":
            raise InvalidInput(_("This field is required."), loc=["body", field])
    if required and "email" in visitor.widget.prechat_fields and not clean_email:
        raise InvalidInput(_("This field is required."), loc=["body", "email"])
    visitor.name, visitor.email, visitor.phone = name, clean_email, clean_phone
    visitor.save(update_fields=["name", "email", "phone"])
    customer = visitor.customer
    if customer is not None and name and not customer.name:
        # The name they gave is a name to address them by; the contacts stay unverified.
        update_customer(customer, actor=Actor.customer(label=visitor.public_id), name=name)
    return visitor


def set_page(visitor: ChatVisitor, *, url: str, title: str) -> None:
    visitor.page_url, visitor.page_title = (url or "")[:1000], (title or "")[:300]
    visitor.last_seen_at = clock.now()
    visitor.save(update_fields=["page_url", "page_title", "last_seen_at"])
    if visitor.current_ticket_id:
        send_to_groups(
            [ticket_group(visitor.current_ticket_id)],
            {
                "type": "chat.page",
                "ticket_id": visitor.current_ticket_id,
                "url": visitor.page_url,
                "title": visitor.page_title,
            },
        )


def set_typing(visitor: ChatVisitor, *, typing: bool) -> None:
    if visitor.current_ticket_id:
        send_to_groups(
            [ticket_group(visitor.current_ticket_id)],
            {"type": "chat.typing", "ticket_id": visitor.current_ticket_id, "typing": bool(typing)},
        )


def mark_read_by_visitor(visitor: ChatVisitor, *, up_to: object) -> None:
    """The visitor has seen the conversation's messages up to `up_to` (an id of theirs)."""
    if not isinstance(up_to, int) or isinstance(up_to, bool) or visitor.current_ticket_id is None:
        return
    newest = queries.newest_message_id(visitor.current_ticket_id, direction=Direction.OUTBOUND)
    up_to = min(up_to, newest)
    if up_to <= visitor.visitor_read_up_to:
        return
    ChatVisitor.objects.filter(pk=visitor.pk, visitor_read_up_to__lt=up_to).update(
        visitor_read_up_to=up_to
    )
    visitor.visitor_read_up_to = up_to
    send_to_groups(
        [ticket_group(visitor.current_ticket_id)],
        {"type": "chat.read", "ticket_id": visitor.current_ticket_id, "up_to": up_to},
    )


def mark_read_by_agent(ticket: Ticket, agent: Agent) -> None:
    """An agent has the chat open: the visitor's messages so far count as read."""
    if (
        ticket.origin_channel != Channel.CHAT
        and not ticket.messages.filter(channel=Channel.CHAT).exists()
    ):
        return
    newest = queries.newest_message_id(ticket.pk, direction=Direction.INBOUND)
    visitors = list(ChatVisitor.objects.filter(current_ticket=ticket, agent_read_up_to__lt=newest))
    for visitor in visitors:
        ChatVisitor.objects.filter(pk=visitor.pk, agent_read_up_to__lt=newest).update(
            agent_read_up_to=newest
        )
        group, event = visitor_group(visitor.pk), {"type": "chat.seen", "up_to": newest}
        transaction.on_commit(lambda g=group, e=event: send_to_groups([g], e))  # type: ignore[misc]

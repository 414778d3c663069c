"""What the widget shows a visitor: their conversation's messages, its state, and whether
someone can answer now. Everything here starts from the visitor (their current ticket):
nothing is looked up by what the visitor typed."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core import signing
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sapa.accounts.models import Agent
from sapa.channels.chat.models import ChatVisitor, ChatWidget
from sapa.conversations.models import AuthorKind, Direction, Message, Ticket
from sapa.core import clock
from sapa.core.business_hours import WeeklyHours, parse_hours
from sapa.core.exceptions import InvalidInput

# An agent whose console said so within this long counts as online.
ONLINE_WITHIN = timedelta(minutes=3)
MESSAGES_PER_PAGE = 200
_FILE_SALT = "sapa.chat.file"


def newest_message_id(ticket_id: int, *, direction: str) -> int:
    found = Message.objects.filter(ticket_id=ticket_id, direction=direction).aggregate(
        newest=Max("pk")
    )["newest"]
    return int(found or 0)


def agents_online(team_id: int | None = None) -> bool:
    """An active agent (of the team, when given) has had the console open in the last few
    minutes."""
    agents = Agent.objects.filter(is_active=True, console_seen_at__gte=clock.now() - ONLINE_WITHIN)
    if team_id is not None:
        agents = agents.filter(teams=team_id)
    return agents.exists()


def opening_hours(widget: ChatWidget | None = None) -> WeeklyHours:
    from sapa.bot.config import get_settings

    text = (widget.business_hours if widget is not None else "") or get_settings().business_hours
    try:
        return parse_hours(text)
    except InvalidInput:
        return parse_hours("")


@dataclass(frozen=True)
class Availability:
    online: bool
    open_now: bool
    message: str


def availability(widget: ChatWidget, lang: str) -> Availability:
    """Whether a person can answer now, and what the visitor is told to expect."""
    from sapa.bot.config import get_settings

    hours = opening_hours(widget)
    now = clock.now()
    open_now = hours.is_open(now)
    online = open_now and agents_online(widget.team_id)
    with translation.override(lang):
        if online:
            minutes = get_settings().reply_minutes
            message = ngettext(
                "We usually reply within %(count)d minute.",
                "We usually reply within %(count)d minutes.",
                minutes,
            ) % {"count": minutes}
        elif open_now:
            message = _("No one is online right now. Leave a message and we will reply here soon.")
        else:
            message = leave_message_text(hours, lang)
    return Availability(online=online, open_now=open_now, message=message)


def leave_message_text(hours: WeeklyHours, lang: str) -> str:
    nxt = hours.next_opening(clock.now())
    with translation.override(lang):
        if nxt is None:
            return _("We are closed now. Leave a message and we will reply as soon as we can.")
        when = formats.date_format(nxt.astimezone(hours.zone), "l H:i")
        return _(
            "We are closed now and open again on %(when)s WIB. Leave a message and we will "
            "reply then."
        ) % {"when": when}


def file_url(attachment_id: int, filename: str, visitor: ChatVisitor) -> str:
    token = signing.dumps({"a": attachment_id, "v": visitor.public_id}, salt=_FILE_SALT)
    path = reverse("chat:file", kwargs={"attachment_id": attachment_id, "filename": filename})
    return f"{path}?t={token}"


def file_token_allows(token: str, attachment_id: int) -> str | None:
    """The visitor public id the file link was made for, when it is valid for the file."""
    try:
        payload = signing.loads(token, salt=_FILE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("a") != attachment_id:
        return None
    visitor = payload.get("v")
    return visitor if isinstance(visitor, str) else None


_AUTHOR = {
    AuthorKind.CUSTOMER: "visitor",
    AuthorKind.AGENT: "agent",
    AuthorKind.BOT: "bot",
    AuthorKind.SYSTEM: "system",
}


def message_json(message: Message, visitor: ChatVisitor, *, bot_name: str) -> dict[str, Any]:
    author = _AUTHOR.get(AuthorKind(message.author_kind), "system")
    if message.direction == Direction.INBOUND:
        author, name = "visitor", visitor.name
    elif message.author_agent is not None:
        name = message.author_agent.first_name or message.author_agent.display_name
    else:
        name = bot_name
    meta = message.meta if isinstance(message.meta, dict) else {}
    buttons = meta.get("buttons") if message.direction == Direction.OUTBOUND else None
    return {
        "id": message.pk,
        "client_id": meta.get("client_id") if message.direction == Direction.INBOUND else None,
        "author": author,
        "name": name,
        "text": message.text,
        "created_at": message.created_at.isoformat(),
        "attachments": [
            {
                "name": a.filename,
                "size": a.size_bytes,
                "url": file_url(a.pk, a.filename, visitor),
                "is_image": a.content_type.startswith("image/"),
            }
            for a in message.attachments.all()
        ],
        "buttons": buttons if isinstance(buttons, list) else [],
    }


def visitor_messages(visitor: ChatVisitor, *, after: int = 0) -> list[dict[str, Any]]:
    """The visitor's conversation after message `after`: what the customer and the other
    side wrote, never internal notes."""
    if visitor.current_ticket_id is None:
        return []
    messages = (
        Message.objects.filter(ticket_id=visitor.current_ticket_id, pk__gt=after)
        .exclude(direction=Direction.NOTE)
        .select_related("author_agent")
        .prefetch_related("attachments")
        .order_by("pk")[:MESSAGES_PER_PAGE]
    )
    name = bot_name(visitor.widget, visitor.lang)
    return [message_json(m, visitor, bot_name=name) for m in messages]


def bot_name(widget: ChatWidget, lang: str) -> str:
    title = widget.title_en if lang == "en" and widget.title_en else widget.title
    return title or widget.name


def conversation_state(visitor: ChatVisitor) -> dict[str, Any] | None:
    if visitor.current_ticket_id is None:
        return None
    ticket = Ticket.objects.select_related("assignee").get(pk=visitor.current_ticket_id)
    agent = ticket.assignee
    return {
        "status": ticket.status,
        "agent": {"name": agent.first_name or agent.display_name} if agent else None,
        "agent_read_up_to": visitor.agent_read_up_to,
    }


def status_event(visitor: ChatVisitor, available: Availability | None = None) -> dict[str, Any]:
    """The conversation's status and who can answer (`available`, when the caller has it)."""
    state = conversation_state(visitor) or {"status": "", "agent": None}
    available = available or availability(visitor.widget, visitor.lang)
    return {
        "type": "status",
        "status": state["status"],
        "agent": state["agent"],
        "availability": {"online": available.online, "message": available.message},
    }

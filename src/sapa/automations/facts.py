"""What conditions are checked against: one ticket with its triggering customer message and
its customer, read in a handful of queries into a plain `TicketFacts`."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sapa.bot.models import BotSettings
from sapa.channels.chat.models import ChatVisitor
from sapa.channels.kinds import Channel
from sapa.commerce.models import Order
from sapa.conversations.models import Direction, Message, Ticket
from sapa.core import clock
from sapa.core.models import Event
from sapa.textid import detect_language, normalise, tokenise

# Events that start a status period ("pending since ...").
STATUS_VERBS = ("ticket.status_changed", "ticket.reopened")
DEFAULT_VIP_TAG = "vip"


@dataclass(frozen=True)
class TicketFacts:
    ticket_id: int
    now: datetime
    # The channel of the triggering message, else the one the ticket came in on.
    channel: str
    mailbox_id: int | None
    widget_id: int | None
    # The triggering customer message (for events without one: the latest).
    text: str
    subject: str
    # "id" or "en": detected from the text when there is one, else the customer's.
    language: str
    # sapa.bot.nlu's intent of `text`; "" unless a rule asked for it.
    intent: str
    customer_tags: frozenset[str]
    is_vip: bool
    # total_minor of the customer's latest order (by placed_at); None without orders.
    order_value: int | None
    priority: str
    status: str
    ticket_tags: frozenset[str]
    team_id: int | None
    assignee_id: int | None
    created_at: datetime
    # When the current status began, and the id of the event that began it (0: the ticket
    # has had its status since it was created). Timed rules key their runs on the id.
    status_changed_at: datetime
    status_marker: int
    last_customer_message_at: datetime | None
    solved_at: datetime | None


def triggering_message(ticket: Ticket, message_id: int | None = None) -> Message | None:
    """The customer message an event is about: `message_id`, else the ticket's latest
    inbound message."""
    inbound = Message.objects.filter(ticket=ticket, direction=Direction.INBOUND)
    if message_id is not None:
        found = inbound.filter(pk=message_id).first()
        if found is not None:
            return found
    return inbound.order_by("-created_at", "-id").first()


def _widget_id(message: Message) -> int | None:
    # Chat messages' ids are "chat:<visitor public id>:<client id>" (channels.chat.actions).
    parts = (message.external_id or "").split(":")
    if len(parts) < 3 or parts[0] != "chat":
        return None
    return (
        ChatVisitor.objects.filter(public_id=parts[1]).values_list("widget_id", flat=True).first()
    )


def _status_period(ticket: Ticket) -> tuple[datetime, int]:
    latest = (
        Event.objects.filter(subject_type="ticket", subject_id=ticket.pk, verb__in=STATUS_VERBS)
        .order_by("-at", "-pk")
        .values_list("at", "pk")
        .first()
    )
    return latest if latest is not None else (ticket.created_at, 0)


def _vip_tag() -> str:
    tag = BotSettings.objects.filter(pk=1).values_list("vip_tag", flat=True).first()
    return tag or DEFAULT_VIP_TAG


def load_facts(
    ticket: Ticket,
    *,
    message: Message | None = None,
    with_intent: bool = False,
    fields: Collection[str] | None = None,
) -> TicketFacts:
    """The facts of `ticket` (fresh from the database) about `message` (the triggering
    customer message; the latest one when None). The intent is computed only when asked:
    it runs the bot's classifier. With `fields` (the condition fields the rules use), facts
    that cost a query of their own and no rule reads are left empty: routing every new
    ticket should not read orders and tags it never looks at."""

    def wanted(*names: str) -> bool:
        return fields is None or any(name in fields for name in names)

    ticket = Ticket.objects.select_related("customer").get(pk=ticket.pk)
    customer = ticket.customer
    message = message or triggering_message(ticket)
    text = message.text if message is not None else ""
    channel = message.channel if message is not None and message.channel else ticket.origin_channel
    mailbox_id = None
    widget_id = None
    if message is not None and channel == Channel.EMAIL:
        raw_id = (message.meta or {}).get("email", {}).get("mailbox_id")
        mailbox_id = int(raw_id) if raw_id else None
    elif message is not None and channel == Channel.CHAT and wanted("widget"):
        widget_id = _widget_id(message)
    customer_tags = (
        frozenset(customer.tags.values_list("name", flat=True))
        if wanted("customer_tags", "vip")
        else frozenset()
    )
    language = detect_language(tokenise(normalise(text))) if text.strip() else customer.language
    intent = ""
    if with_intent and text.strip():
        from sapa.bot.nlu import understand  # the classifier loads on first use

        intent = understand(text, lang=language).intent
    order_value = (
        Order.objects.filter(customer=customer)
        .order_by("-placed_at", "-pk")
        .values_list("total_minor", flat=True)
        .first()
        if wanted("order_value")
        else None
    )
    status_changed_at, status_marker = (
        _status_period(ticket) if wanted("hours_since_status_change") else (ticket.created_at, 0)
    )
    return TicketFacts(
        ticket_id=ticket.pk,
        now=clock.now(),
        channel=channel,
        mailbox_id=mailbox_id,
        widget_id=widget_id,
        text=text,
        subject=ticket.subject,
        language=language,
        intent=intent,
        customer_tags=customer_tags,
        is_vip=wanted("vip") and _vip_tag() in customer_tags,
        order_value=order_value,
        priority=ticket.priority,
        status=ticket.status,
        ticket_tags=(
            frozenset(ticket.tags.values_list("name", flat=True))
            if wanted("ticket_tags")
            else frozenset()
        ),
        team_id=ticket.team_id,
        assignee_id=ticket.assignee_id,
        created_at=ticket.created_at,
        status_changed_at=status_changed_at,
        status_marker=status_marker,
        last_customer_message_at=ticket.last_customer_message_at,
        solved_at=ticket.solved_at,
    )

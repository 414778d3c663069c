"""The customer's whole history across channels, newest first: messages, tickets opened,
orders placed and shipment tracking events, merged into one keyset-paginated stream.

Each source is read with one bounded query for the page, so a page costs the same number of
queries however long the history is.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from sapa.accounts.models import Agent
from sapa.core.cursors import decode_cursor, encode_cursor, invalid_cursor
from sapa.customers.models import Customer

# Items at the same instant sort by kind (in this order) then id, so the order is total.
KINDS = ("message", "ticket", "order", "shipment_event")


@dataclass(frozen=True)
class TimelineItem:
    kind: str
    at: datetime
    id: int
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[datetime, int, int]:
        return (self.at, KINDS.index(self.kind), self.id)


def _older_than(field_name: str, kind: str, cursor: tuple[datetime, str, int] | None) -> Q:
    if cursor is None:
        return Q()
    at, cursor_kind, cursor_id = cursor
    mine, theirs = KINDS.index(kind), KINDS.index(cursor_kind)
    if mine < theirs:
        return Q(**{f"{field_name}__lte": at})
    if mine > theirs:
        return Q(**{f"{field_name}__lt": at})
    # The __lte bound lets an index seek to the cursor instead of scanning from the top.
    return Q(**{f"{field_name}__lte": at}) & (
        Q(**{f"{field_name}__lt": at}) | Q(**{field_name: at, "pk__lt": cursor_id})
    )


def _messages(tickets: QuerySet, cursor: Any, limit: int) -> list[TimelineItem]:
    from sapa.conversations.models import Message

    rows = (
        Message.objects.filter(ticket__in=tickets)
        .filter(_older_than("created_at", "message", cursor))
        .select_related("ticket", "author_agent", "author_customer")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        TimelineItem(
            "message",
            m.created_at,
            m.pk,
            {
                "ticket_id": m.ticket_id,
                "ticket_number": m.ticket.number,
                "direction": m.direction,
                "channel": m.channel,
                "author_kind": m.author_kind,
                "author_name": _author_name(m),
                "text": m.text,
                "delivery_status": m.delivery_status,
            },
        )
        for m in rows
    ]


def _author_name(message: Any) -> str:
    if message.author_agent is not None:
        return str(message.author_agent.display_name)
    if message.author_customer is not None:
        return str(message.author_customer)
    return ""


def _tickets(tickets: QuerySet, cursor: Any, limit: int) -> list[TimelineItem]:
    rows = tickets.filter(_older_than("created_at", "ticket", cursor)).order_by(
        "-created_at", "-pk"
    )[:limit]
    return [
        TimelineItem(
            "ticket",
            t.created_at,
            t.pk,
            {
                "ticket_id": t.pk,
                "number": t.number,
                "subject": t.subject,
                "status": t.status,
                "channel": t.origin_channel,
            },
        )
        for t in rows
    ]


def _orders(customer: Customer, cursor: Any, limit: int) -> list[TimelineItem]:
    from sapa.commerce.models import Order

    rows = (
        Order.objects.filter(customer=customer)
        .filter(_older_than("placed_at", "order", cursor))
        .order_by("-placed_at", "-pk")[:limit]
    )
    return [
        TimelineItem(
            "order",
            o.placed_at,
            o.pk,
            {
                "order_id": o.pk,
                "number": o.number,
                "status": o.status,
                "total_minor": o.total_minor,
                "currency": o.currency,
            },
        )
        for o in rows
    ]


def _shipment_events(customer: Customer, cursor: Any, limit: int) -> list[TimelineItem]:
    from sapa.commerce.models import ShipmentEvent

    rows = (
        ShipmentEvent.objects.filter(shipment__order__customer=customer)
        .filter(_older_than("at", "shipment_event", cursor))
        .select_related("shipment__order")
        .order_by("-at", "-pk")[:limit]
    )
    return [
        TimelineItem(
            "shipment_event",
            e.at,
            e.pk,
            {
                "order_number": e.shipment.order.number,
                "carrier": e.shipment.carrier,
                "tracking_number": e.shipment.tracking_number,
                "status": e.status,
                "description": e.description,
                "location": e.location,
            },
        )
        for e in rows
    ]


def customer_timeline(
    agent: Agent, customer: Customer, *, cursor: str | None, limit: int
) -> tuple[list[TimelineItem], str | None]:
    """One page of the history, newest first, and the cursor of the next page. Messages and
    tickets are limited to those `agent` may see. Raises InvalidInput for a bad cursor."""
    from sapa.conversations.queries import visible_tickets

    position: tuple[datetime, str, int] | None = None
    if cursor:
        at, kind, item_id = decode_cursor(cursor, shape=(datetime, str, int))
        if kind not in KINDS:
            raise invalid_cursor()
        position = (at, kind, item_id)
    tickets = visible_tickets(agent).filter(customer=customer)
    sources: list[Callable[[], list[TimelineItem]]] = [
        lambda: _messages(tickets, position, limit + 1),
        lambda: _tickets(tickets, position, limit + 1),
        lambda: _orders(customer, position, limit + 1),
        lambda: _shipment_events(customer, position, limit + 1),
    ]
    merged = sorted(
        (item for source in sources for item in source()), key=lambda i: i.key, reverse=True
    )
    if len(merged) <= limit:
        return merged, None
    page = merged[:limit]
    last = page[-1]
    return page, encode_cursor(last.at, last.kind, last.id)

"""What integrations receive: the public event names and the JSON body of each delivery.

Body: `{"id": <delivery id>, "event": "<public name>", "occurred_at": "<ISO 8601>",
"data": {...}}`. `data` holds the raw verb, who acted, the event's before/after and a
summary of what it is about (ticket, message, customer, order), built in a handful of
queries for a whole batch of events.

Internal notes never leave Sapa: no public event reports them, and message events carry
only messages the customer sees (inbound and replies).
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from sapa.commerce.models import Order
from sapa.conversations.models import Direction, Message, Ticket
from sapa.core.models import Event
from sapa.customers.models import Customer

TEST_EVENT = "webhook.test"

# The events a subscription may ask for, with a label for the console.
PUBLIC_EVENTS: dict[str, Any] = {
    "ticket.created": _("A ticket was created"),
    "ticket.updated": _("A ticket's status, priority, team, assignee or tags changed"),
    "ticket.reopened": _("A ticket was reopened by the customer"),
    "message.received": _("A customer wrote"),
    "message.replied": _("An agent, the bot or an automation replied"),
    "sla.warning": _("An SLA target is close"),
    "sla.breached": _("An SLA target was missed"),
    "promise.made": _("A promise to a customer was made"),
    "promise.kept": _("A promise was kept"),
    "promise.broken": _("A promise was broken"),
    "promise.due": _("A promise is due"),
    "automation.ran": _("An automation ran"),
    "customer.created": _("A customer was created"),
    "customer.updated": _("A customer's details changed"),
    "order.created": _("An order was created"),
    "order.updated": _("An order changed"),
}

# Raw verbs reported under another public name.
_RENAMED = {
    "ticket.status_changed": "ticket.updated",
    "ticket.priority_changed": "ticket.updated",
    "ticket.team_changed": "ticket.updated",
    "ticket.assigned": "ticket.updated",
    "ticket.tagged": "ticket.updated",
    "order.status_changed": "order.updated",
}


def public_name(verb: str) -> str | None:
    """The public event name of a raw Event verb; None when integrations never see it."""
    name = _RENAMED.get(verb, verb)
    return name if name in PUBLIC_EVENTS else None


def event_groups() -> list[str]:
    """ "ticket", "message", ...: the prefixes a "<group>.*" pattern may use."""
    return sorted({name.split(".", 1)[0] for name in PUBLIC_EVENTS})


def matches(patterns: Iterable[str], name: str) -> bool:
    """Whether public event `name` is wanted by any pattern: "*", an exact name, or a
    prefix such as "ticket.*"."""
    for pattern in patterns:
        if pattern in ("*", name):
            return True
        if pattern.endswith(".*") and name.startswith(pattern[:-1]):
            return True
    return False


def envelope(
    *, delivery_id: int, event: str, occurred_at: datetime, data: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": delivery_id,
        "event": event,
        "occurred_at": occurred_at.isoformat(),
        "data": data,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def ticket_summary(ticket: Ticket) -> dict[str, Any]:
    """Needs customer, team and assignee selected and tags prefetched."""
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.origin_channel,
        "team": {"id": ticket.team.pk, "name": ticket.team.name} if ticket.team else None,
        "assignee": (
            {"id": ticket.assignee.pk, "name": ticket.assignee.display_name}
            if ticket.assignee
            else None
        ),
        "customer": {"id": ticket.customer.pk, "name": ticket.customer.name},
        "tags": sorted(tag.name for tag in ticket.tags.all()),
        "created_at": _iso(ticket.created_at),
    }


def message_summary(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "direction": message.direction,
        "channel": message.channel,
        "author_kind": message.author_kind,
        "text": message.text,
        "created_at": _iso(message.created_at),
    }


def customer_summary(customer: Customer) -> dict[str, Any]:
    """Needs identities prefetched."""
    return {
        "id": customer.pk,
        "name": customer.name,
        "language": customer.language,
        "lifecycle_stage": customer.lifecycle_stage,
        "addresses": [
            {"kind": identity.kind, "value": identity.value}
            for identity in customer.identities.all()
        ],
    }


def order_summary(order: Order) -> dict[str, Any]:
    return {
        "id": order.pk,
        "shop": order.shop,
        "number": order.number,
        "status": order.status,
        "total_minor": order.total_minor,
        "currency": order.currency,
        "placed_at": _iso(order.placed_at),
        "customer": {"id": order.customer.pk, "name": order.customer.name},
    }


def _ticket_id(event: Event) -> int | None:
    if event.subject_type == "ticket":
        return event.subject_id
    for values in (event.after, event.before):
        if isinstance(values, dict) and isinstance(values.get("ticket_id"), int):
            return int(values["ticket_id"])
    return None


def _message_id(event: Event) -> int | None:
    if event.verb.startswith("message.") and isinstance(event.after, dict):
        value = event.after.get("message_id")
        return int(value) if isinstance(value, int) else None
    return None


def _ids(events: list[Event], subject_type: str) -> set[int]:
    return {e.subject_id for e in events if e.subject_type == subject_type}


def event_data(events: list[Event]) -> dict[int, dict[str, Any]]:
    """The `data` object for each event (by event id), in at most five queries."""
    ticket_ids = {tid for e in events if (tid := _ticket_id(e)) is not None}
    message_ids = {mid for e in events if (mid := _message_id(e)) is not None}
    tickets = (
        Ticket.objects.select_related("customer", "team", "assignee")
        .prefetch_related("tags")
        .in_bulk(ticket_ids)
        if ticket_ids
        else {}
    )
    messages = (
        Message.objects.exclude(direction=Direction.NOTE).in_bulk(message_ids)
        if message_ids
        else {}
    )
    customer_ids = _ids(events, "customer")
    customers = (
        Customer.objects.prefetch_related("identities").in_bulk(customer_ids)
        if customer_ids
        else {}
    )
    order_ids = _ids(events, "order")
    orders = Order.objects.select_related("customer").in_bulk(order_ids) if order_ids else {}

    data: dict[int, dict[str, Any]] = {}
    for event in events:
        item: dict[str, Any] = {
            "verb": event.verb,
            "actor": {
                "kind": event.actor_kind,
                "agent_id": event.actor_agent_id,
                "label": event.actor_label,
            },
            "subject": {"type": event.subject_type, "id": event.subject_id},
            "before": event.before,
            "after": event.after,
        }
        ticket = tickets.get(_ticket_id(event) or 0)
        if ticket is not None:
            item["ticket"] = ticket_summary(ticket)
        message = messages.get(_message_id(event) or 0)
        if message is not None:
            item["message"] = message_summary(message)
        if event.subject_type == "customer" and event.subject_id in customers:
            item["customer"] = customer_summary(customers[event.subject_id])
        if event.subject_type == "order" and event.subject_id in orders:
            item["order"] = order_summary(orders[event.subject_id])
        data[event.pk] = item
    return data


def sample_data() -> dict[str, Any]:
    return {"message": "This is a test event from Sapa."}

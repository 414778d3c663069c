"""What the journey does when events are committed (see sapa.core.event_dispatch): applies
the rules (sapa.journey.rules) to inbound messages, ticket tags and orders, and keeps the
journey summary of the customers concerned true. Idempotent: a rule that fired already
finds the customer at its stage and does nothing; summaries are recomputed, not added to.
`sapa journey rebuild` repairs what a lost event missed."""

from sapa.commerce.models import Order, OrderStatus
from sapa.conversations.models import Direction, Message, Ticket
from sapa.core.models import Event
from sapa.customers.models import Customer
from sapa.journey.actions import advance_stage
from sapa.journey.rules import message_hit, order_hit, tag_hit
from sapa.journey.summary import refresh_journeys

INTERESTED_IN: tuple[str, ...] = (
    "order.",
    "message.received",
    "ticket.created",
    "ticket.tagged",
    "customer.",
)
# Customer events after which the summary is recomputed (merges move tickets and orders;
# the internal flag takes a customer out of the report).
_CUSTOMER_VERBS = (
    "customer.created",
    "customer.updated",
    "customer.merged",
    "customer.merged_away",
)


def on_events(events: list[Event]) -> None:
    touched: set[int] = set()
    order_customers = _order_customers([e for e in events if e.verb.startswith("order.")])
    for customer_id in sorted(order_customers):
        _apply_order_rules(customer_id)
    touched |= order_customers
    touched |= _apply_message_rules([e for e in events if e.verb == "message.received"])
    touched |= _apply_tag_rules([e for e in events if e.verb == "ticket.tagged"])
    for event in events:
        if event.verb == "ticket.created" and isinstance(event.after.get("customer_id"), int):
            touched.add(event.after["customer_id"])
        elif event.verb in _CUSTOMER_VERBS:
            touched.add(event.subject_id)
            into_id = event.after.get("into_id")
            if isinstance(into_id, int):
                touched.add(into_id)
    if touched:
        refresh_journeys(touched)


def _order_customers(events: list[Event]) -> set[int]:
    order_ids = {e.subject_id for e in events if e.subject_type == "order"}
    return set(Order.objects.filter(pk__in=order_ids).values_list("customer_id", flat=True))


def _apply_order_rules(customer_id: int) -> None:
    customer = Customer.objects.filter(pk=customer_id, merged_into__isnull=True).first()
    if customer is None:
        return
    count = customer.orders.exclude(status=OrderStatus.CANCELLED).count()
    hit = order_hit(count)
    if hit is not None:
        advance_stage(customer, hit)


def _apply_message_rules(events: list[Event]) -> set[int]:
    message_ids = [
        e.after["message_id"] for e in events if isinstance(e.after.get("message_id"), int)
    ]
    messages = (
        # Out-of-office and other automatic answers say nothing of the customer's intent.
        Message.objects.filter(pk__in=message_ids, direction=Direction.INBOUND, auto_reply="")
        .select_related("author_customer", "ticket__customer")
        .order_by("pk")
    )
    touched = set()
    stages: dict[int, str] = {}  # as this batch moved them
    for message in messages:
        customer = message.author_customer or message.ticket.customer
        if customer.is_internal or customer.merged_into_id is not None:
            continue
        current = stages.get(customer.pk, customer.lifecycle_stage)
        hit = message_hit(message.text, current=current, ticket_number=message.ticket.number)
        if hit is not None:
            advance_stage(customer, hit)
            stages[customer.pk] = customer.lifecycle_stage
            touched.add(customer.pk)
    return touched


def _apply_tag_rules(events: list[Event]) -> set[int]:
    tickets = Ticket.objects.select_related("customer").in_bulk(
        [e.subject_id for e in events if e.subject_type == "ticket"]
    )
    touched = set()
    for event in events:
        ticket = tickets.get(event.subject_id)
        if ticket is None or ticket.customer.is_internal:
            continue
        added = set(event.after.get("tags", [])) - set(event.before.get("tags", []))
        hit = tag_hit(added, ticket_number=ticket.number)
        if hit is not None:
            advance_stage(ticket.customer, hit)
            touched.add(ticket.customer_id)
    return touched

"""What the webhooks domain does when events are committed (see sapa.core.event_dispatch):
each event that has a public name (sapa.webhooks.payloads.PUBLIC_EVENTS) becomes one
delivery per active subscription that asks for it."""

from sapa.core.models import Event
from sapa.webhooks.actions import create_event_deliveries

INTERESTED_IN: tuple[str, ...] = (
    "ticket.",
    "message.received",
    "message.replied",
    "sla.",
    "promise.",
    "automation.ran",
    "customer.created",
    "customer.updated",
    "order.created",
    "order.updated",
    "order.status_changed",
)


def on_events(events: list[Event]) -> None:
    """Idempotent: an event handled twice still gives one delivery per subscription."""
    create_event_deliveries(events)

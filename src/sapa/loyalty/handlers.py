"""What after-sale does when events are committed (see sapa.core.event_dispatch): an order
delivered starts its thank-you, code and review request; an order returned (or cancelled)
calls off what has not gone out; merged customers' codes follow them.

Idempotent and safe when an event arrives twice or late: start_after_sale makes one code
and one message per order whatever happens, and does nothing for an order that is by now
returned or cancelled. The hourly catch-up (sapa.loyalty.tasks) repairs a lost event."""

from contextlib import suppress
from datetime import datetime

from django.db.models import Max

from sapa.commerce.models import Order, OrderStatus, ShipmentEvent, ShipmentStatus
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.loyalty.actions import move_codes_to_customer, start_after_sale, stop_after_sale

INTERESTED_IN: tuple[str, ...] = ("order.", "customer.merged_away")

_CALLED_OFF = (OrderStatus.RETURNED, OrderStatus.CANCELLED)


def on_events(events: list[Event]) -> None:
    for event in events:
        if event.verb == "customer.merged_away":
            into_id = event.after.get("into_id")
            if isinstance(into_id, int):
                move_codes_to_customer(from_customer_id=event.subject_id, into_customer_id=into_id)
        elif event.verb in ("order.created", "order.status_changed"):
            _follow_order(event)


def _follow_order(event: Event) -> None:
    status = event.after.get("status")
    if status != OrderStatus.DELIVERED and status not in _CALLED_OFF:
        return
    order = Order.objects.select_related("customer").filter(pk=event.subject_id).first()
    if order is None:
        return
    actor = Actor.system("after-sale")
    if status == OrderStatus.DELIVERED:
        start_after_sale(order, delivered_at=_delivered_at(order, event), actor=actor)
    elif event.verb == "order.status_changed":
        stop_after_sale(order, reason=f"order {status}", actor=actor)


def _delivered_at(order: Order, event: Event) -> datetime:
    """When the parcel arrived: the time the status change says it was reached, else the
    carrier's last delivered scan (an order first seen already delivered), else when the
    order became delivered in Sapa, else when Sapa learned of it."""
    reached = event.after.get("status_at")
    if isinstance(reached, str):
        with suppress(ValueError):
            moment = datetime.fromisoformat(reached)
            if moment.tzinfo is not None:
                return moment
    scanned = ShipmentEvent.objects.filter(
        shipment__order=order, status=ShipmentStatus.DELIVERED, at__lte=event.at
    ).aggregate(last=Max("at"))["last"]
    if scanned is not None:
        return scanned
    if order.status == OrderStatus.DELIVERED and order.status_changed_at is not None:
        return order.status_changed_at
    return event.at

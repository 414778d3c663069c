"""Orders and shipments coming from the shop."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from sapa.accounts.permissions import Permission, require
from sapa.channels.messages import Address
from sapa.commerce.exceptions import ShipmentBelongsToAnotherOrder
from sapa.commerce.models import Order, OrderStatus, Shipment, ShipmentEvent, ShipmentStatus
from sapa.core.actions import PendingEvent, pending_event, record_events
from sapa.core.actors import Actor
from sapa.customers.actions import resolve_customer, set_lifecycle_stage
from sapa.customers.models import Customer, LifecycleStage
from sapa.customers.stages import STAGE_ORDER, stage_for_order_count


@dataclass(frozen=True)
class TrackingEvent:
    at: datetime
    status: ShipmentStatus
    description: str = ""
    location: str = ""


@dataclass(frozen=True)
class ShipmentData:
    carrier: str
    tracking_number: str
    status: ShipmentStatus
    events: tuple[TrackingEvent, ...] = ()


@dataclass(frozen=True)
class OrderData:
    number: str
    customer_addresses: tuple[Address, ...]
    customer_name: str
    status: OrderStatus
    total_minor: int
    currency: str
    placed_at: datetime
    items: list[dict[str, Any]] = field(default_factory=list)
    shipments: tuple[ShipmentData, ...] = ()


def upsert_order(data: OrderData, *, actor: Actor) -> tuple[Order, bool]:
    """Create or update the order `data.number` of this shop, its customer and shipments.

    Tracking events already stored are not stored twice. The customer moves to purchase /
    repurchase by order count (never backwards). Returns (order, created). Raises
    PermissionDenied, ShipmentBelongsToAnotherOrder.
    """
    require(actor, Permission.WRITE_ORDERS)
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _upsert(data, actor)
        except IntegrityError:
            # A concurrent upsert created the same order or customer; the retry finds it.
            if attempt == 1:
                raise
    raise AssertionError("unreachable")


def _upsert(data: OrderData, actor: Actor) -> tuple[Order, bool]:
    events: list[PendingEvent] = []
    customer, _created = resolve_customer(
        data.customer_addresses, name=data.customer_name, events=events
    )
    values = {
        "customer": customer,
        "status": data.status,
        "total_minor": data.total_minor,
        "currency": data.currency,
        "placed_at": data.placed_at,
        "items": data.items,
    }
    order = (
        Order.objects.select_for_update()
        .filter(shop=settings.SAPA_SHOP, number=data.number)
        .first()
    )
    created = order is None
    if order is None:
        order = Order.objects.create(shop=settings.SAPA_SHOP, number=data.number, **values)
        events.append(pending_event("order.created", order, after=_summary(order)))
    else:
        changed = [name for name, value in values.items() if getattr(order, name) != value]
        if changed:
            before = _summary(order)
            for name in changed:
                setattr(order, name, values[name])
            order.save(update_fields=[*changed, "updated_at"])
            events.append(
                pending_event("order.updated", order, before=before, after=_summary(order))
            )
    for shipment in data.shipments:
        _upsert_shipment(order, shipment, events)
    record_events(actor, events)
    _advance_stage(customer, actor=actor)
    return order, created


def _summary(order: Order) -> dict[str, Any]:
    return {
        "customer_id": order.customer_id,
        "status": order.status,
        "total_minor": order.total_minor,
        "currency": order.currency,
        "placed_at": order.placed_at.isoformat(),
    }


def _upsert_shipment(order: Order, data: ShipmentData, events: list[PendingEvent]) -> None:
    shipment, created = Shipment.objects.get_or_create(
        carrier=data.carrier,
        tracking_number=data.tracking_number,
        defaults={"order": order, "status": data.status},
    )
    if shipment.order_id != order.pk:
        raise ShipmentBelongsToAnotherOrder()
    known = set(shipment.events.values_list("at", "status", "description"))
    new_events = [
        ShipmentEvent(
            shipment=shipment,
            at=event.at,
            status=event.status,
            description=event.description[:500],
            location=event.location[:200],
        )
        for event in data.events
        if (event.at, event.status, event.description[:500]) not in known
    ]
    ShipmentEvent.objects.bulk_create(new_events)
    latest = max((event.at for event in data.events), default=None)
    changed_status = shipment.status != data.status
    if changed_status or created or (latest and latest != shipment.last_event_at):
        before = {"status": shipment.status}
        shipment.status = data.status
        if latest and (shipment.last_event_at is None or latest > shipment.last_event_at):
            shipment.last_event_at = latest
        shipment.save(update_fields=["status", "last_event_at", "updated_at"])
        if created or changed_status:
            events.append(
                pending_event(
                    "shipment.created" if created else "shipment.status_changed",
                    shipment,
                    before={} if created else before,
                    after={"status": data.status, "order_id": order.pk},
                )
            )


def _advance_stage(customer: Customer, *, actor: Actor) -> None:
    count = customer.orders.exclude(status=OrderStatus.CANCELLED).count()
    reached = stage_for_order_count(count)
    if reached and STAGE_ORDER.index(reached) > STAGE_ORDER.index(customer.lifecycle_stage):
        set_lifecycle_stage(customer, stage=LifecycleStage(reached), actor=actor)

"""Orders coming from the shop: created or updated by the shop's order number."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from sapa.accounts.permissions import Permission, require
from sapa.channels.messages import Address
from sapa.commerce.actions.status import move_order_status
from sapa.commerce.actions.tracking import (
    ShipmentData,
    TrackingEvent,
    advance_order_by_tracking,
    merge_reported_shipment,
)
from sapa.commerce.models import Order, OrderStatus, StatusSource
from sapa.commerce.states import Verdict, judge_status_update
from sapa.core import clock
from sapa.core.actions import PendingEvent, pending_event, record_events
from sapa.core.actors import Actor
from sapa.customers.actions import resolve_customer, set_lifecycle_stage
from sapa.customers.models import Customer, LifecycleStage
from sapa.customers.stages import STAGE_ORDER, stage_for_order_count

__all__ = [
    "OrderData",
    "OrderOutcome",
    "OrderResult",
    "ShipmentData",
    "TrackingEvent",
    "record_order",
    "upsert_order",
]


@dataclass(frozen=True)
class OrderData:
    number: str
    customer_addresses: tuple[Address, ...]
    customer_name: str
    status: OrderStatus
    total_minor: int
    currency: str
    placed_at: datetime
    # None: keep the stored items (a CSV without an items column); a list replaces them.
    items: list[dict[str, Any]] | None = field(default_factory=list)
    shipments: tuple[ShipmentData, ...] = ()
    # When the shop's status became true; an update older than the stored one is stale.
    status_at: datetime | None = None


class OrderOutcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    STALE = "stale"


@dataclass(frozen=True)
class OrderResult:
    order: Order
    outcome: OrderOutcome
    # The status sent was not applied: older than the stored one, or behind tracking.
    stale: bool

    @property
    def created(self) -> bool:
        return self.outcome == OrderOutcome.CREATED


def upsert_order(data: OrderData, *, actor: Actor) -> tuple[Order, bool]:
    """Create or update the order `data.number`: (order, created). See `record_order`."""
    result = record_order(data, actor=actor)
    return result.order, result.created


def record_order(data: OrderData, *, actor: Actor) -> OrderResult:
    """Create or update the order `data.number` of this shop, its customer and shipments.

    The status goes through the state machine (sapa.commerce.states): one
    "order.status_changed" Event per change, none when it is the same. An update whose
    `status_at` is older than the stored one is stale: the order is left as it is (its
    shipments' tracking events are still merged, each carries its own time). A status that
    lags behind what tracking already told us is kept as Sapa knows it. Other field changes
    write "order.updated". Tracking events already stored are not stored twice; when every
    shipment is delivered the order becomes delivered. The customer moves to purchase /
    repurchase by order count (never backwards). One transaction.

    Raises PermissionDenied, InvalidOrderTransition, ShipmentBelongsToAnotherOrder
    (nothing written).
    """
    require(actor, Permission.WRITE_ORDERS)
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _record(data, actor)
        except IntegrityError:
            # A concurrent upsert created the same order, customer or shipment; the retry
            # finds it.
            if attempt == 1:
                raise
    raise AssertionError("unreachable")


def _record(data: OrderData, actor: Actor) -> OrderResult:
    events: list[PendingEvent] = []
    now = clock.now()
    known = _find(data.number, lock=False)
    if known is not None and _verdict(known, data) == Verdict.STALE:
        # Skip the customer too: an old update must not add addresses or names.
        order = _find(data.number, lock=True)
        assert order is not None
        if _verdict(order, data) == Verdict.STALE:
            for shipment in data.shipments:
                merge_reported_shipment(order, shipment, events=events)
            advance_order_by_tracking(order, events=events)
            record_events(actor, events)
            return OrderResult(order=order, outcome=OrderOutcome.STALE, stale=True)
    customer, _created = resolve_customer(
        data.customer_addresses, name=data.customer_name, events=events
    )
    order = _find(data.number, lock=True)
    stale = False
    created = order is None
    if order is None:
        order = Order.objects.create(
            shop=settings.SAPA_SHOP,
            number=data.number,
            customer=customer,
            status=data.status,
            status_changed_at=data.status_at or now,
            status_source=StatusSource.SHOP,
            total_minor=data.total_minor,
            currency=data.currency,
            placed_at=data.placed_at,
            items=data.items or [],
        )
        events.append(pending_event("order.created", order, after=_summary(order)))
        changed = True
    else:
        verdict = _verdict(order, data)
        if verdict == Verdict.STALE:  # became stale since the first look
            stale, changed = True, False
        else:
            changed = _update_fields(order, data, customer, events)
            if verdict == Verdict.APPLY:
                move_order_status(
                    order,
                    data.status,
                    at=data.status_at or now,
                    source=StatusSource.SHOP,
                    events=events,
                )
                changed = True
            stale = verdict == Verdict.BEHIND_TRACKING
    for shipment in data.shipments:
        changed = merge_reported_shipment(order, shipment, events=events) or changed
    changed = advance_order_by_tracking(order, events=events) or changed
    record_events(actor, events)
    _advance_stage(customer, actor=actor)
    if created:
        outcome = OrderOutcome.CREATED
    elif stale and not changed:
        outcome = OrderOutcome.STALE
    else:
        outcome = OrderOutcome.UPDATED if changed else OrderOutcome.UNCHANGED
    return OrderResult(order=order, outcome=outcome, stale=stale)


def _find(number: str, *, lock: bool) -> Order | None:
    orders = Order.objects.filter(shop=settings.SAPA_SHOP, number=number)
    if lock:
        orders = orders.select_for_update()
    return orders.first()


def _verdict(order: Order, data: OrderData) -> Verdict:
    return judge_status_update(
        current=order.status,
        current_at=order.status_changed_at,
        source=order.status_source,
        target=data.status,
        target_at=data.status_at,
    )


def _update_fields(
    order: Order, data: OrderData, customer: Customer, events: list[PendingEvent]
) -> bool:
    """Save the fields other than the status that differ; "order.updated" when any did."""
    values: dict[str, Any] = {
        "customer": customer,
        "total_minor": data.total_minor,
        "currency": data.currency,
        "placed_at": data.placed_at,
    }
    if data.items is not None:
        values["items"] = data.items
    changed = [name for name, value in values.items() if getattr(order, name) != value]
    if not changed:
        return False
    before = _summary(order)
    for name in changed:
        setattr(order, name, values[name])
    order.save(update_fields=[*changed, "updated_at"])
    events.append(pending_event("order.updated", order, before=before, after=_summary(order)))
    return True


def _summary(order: Order) -> dict[str, Any]:
    return {
        "customer_id": order.customer_id,
        "status": order.status,
        "total_minor": order.total_minor,
        "currency": order.currency,
        "placed_at": order.placed_at.isoformat(),
    }


def _advance_stage(customer: Customer, *, actor: Actor) -> None:
    count = customer.orders.exclude(status=OrderStatus.CANCELLED).count()
    reached = stage_for_order_count(count)
    if reached and STAGE_ORDER.index(reached) > STAGE_ORDER.index(customer.lifecycle_stage):
        set_lifecycle_stage(customer, stage=LifecycleStage(reached), actor=actor)

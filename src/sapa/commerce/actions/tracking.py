"""Shipments and their tracking events: merged idempotently, the status taken from the
latest fact by time, so events that arrive late never move a parcel backwards."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from sapa.accounts.permissions import Permission, require
from sapa.commerce.actions.delays import clear_delay
from sapa.commerce.actions.status import move_order_status
from sapa.commerce.carriers import carrier_code
from sapa.commerce.exceptions import ShipmentBelongsToAnotherOrder
from sapa.commerce.models import (
    FINAL_SHIPMENT_STATUSES,
    Order,
    OrderStatus,
    Shipment,
    ShipmentEvent,
    ShipmentStatus,
    StatusSource,
)
from sapa.commerce.states import SHIPMENT_RANK, can_change_order_status, can_change_shipment_status
from sapa.core import clock
from sapa.core.actions import PendingEvent, pending_event, record_events
from sapa.core.actors import Actor


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
    # The status the shop reports; it only ever moves the shipment forward.
    status: ShipmentStatus = ShipmentStatus.PENDING
    events: tuple[TrackingEvent, ...] = ()


def add_tracking_events(
    shipment: Shipment, events: tuple[TrackingEvent, ...], *, actor: Actor
) -> Shipment:
    """Append the carrier's `events` to `shipment` (those already stored are skipped).

    The shipment takes the status of its latest event by time; a late event is stored and
    changes nothing else. A newer event clears a delay flag. When the order's last
    shipment is delivered the order becomes delivered. One transaction; the order is
    locked before the shipment. Raises PermissionDenied.
    """
    require(actor, Permission.WRITE_ORDERS)
    for attempt in range(2):
        try:
            with transaction.atomic():
                pending: list[PendingEvent] = []
                order = Order.objects.select_for_update().get(pk=shipment.order_id)
                locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
                apply_tracking(locked, events, reported=None, events=pending)
                if locked.status == ShipmentStatus.DELIVERED:
                    advance_order_by_tracking(order, events=pending)
                record_events(actor, pending)
                return locked
        except IntegrityError:
            # A concurrent request stored the same event; the retry skips it.
            if attempt == 1:
                raise
    raise AssertionError("unreachable")


def merge_reported_shipment(
    order: Order, data: ShipmentData, *, events: list[PendingEvent]
) -> bool:
    """Create or update the shipment the shop reports with `order` (which the caller has
    locked). Returns whether anything changed. Raises ShipmentBelongsToAnotherOrder."""
    code = carrier_code(data.carrier)
    shipment = (
        Shipment.objects.select_for_update()
        .filter(carrier_code=code, tracking_number=data.tracking_number)
        .first()
    )
    created = shipment is None
    if shipment is None:
        reported = data.status != ShipmentStatus.PENDING
        shipment = Shipment.objects.create(
            order=order,
            carrier=data.carrier[:32],
            carrier_code=code,
            tracking_number=data.tracking_number,
            status=data.status,
            status_at=clock.now() if reported else None,
        )
    elif shipment.order_id != order.pk:
        raise ShipmentBelongsToAnotherOrder()
    # A new shipment is announced once, with the status its first events give it.
    settling: list[PendingEvent] = []
    changed = apply_tracking(shipment, data.events, reported=data.status, events=settling)
    if created:
        events.append(
            pending_event(
                "shipment.created",
                shipment,
                after={"status": shipment.status, "order_id": order.pk, "carrier": code},
            )
        )
    else:
        events.extend(settling)
    return created or changed


def apply_tracking(
    shipment: Shipment,
    tracking: tuple[TrackingEvent, ...],
    *,
    reported: ShipmentStatus | None,
    events: list[PendingEvent],
) -> bool:
    """Store the new events of the locked `shipment` and settle its status. Returns
    whether anything changed.

    The status is that of the latest fact by time: a tracking event at its `at`, a status
    the shop reported (`reported`, forward moves only) at the moment it was reported. At the
    same time the later step wins (delivered over out_for_delivery).
    """
    known = set(shipment.events.values_list("at", "status", "description"))
    fresh: dict[tuple[datetime, str, str], TrackingEvent] = {}
    for event in tracking:
        key = (event.at, str(event.status), event.description[:500])
        if key not in known and key not in fresh:
            fresh[key] = event
    ShipmentEvent.objects.bulk_create(
        ShipmentEvent(
            shipment=shipment,
            at=event.at,
            status=event.status,
            description=event.description[:500],
            location=event.location[:200],
        )
        for event in fresh.values()
    )
    before_status = shipment.status
    before_last = shipment.last_event_at
    status, status_at = shipment.status, shipment.status_at
    for event in sorted(fresh.values(), key=lambda e: (e.at, SHIPMENT_RANK[e.status])):
        if status_at is None or (event.at, SHIPMENT_RANK[event.status]) > (
            status_at,
            SHIPMENT_RANK[status],
        ):
            status, status_at = event.status, event.at
    if reported is not None and can_change_shipment_status(status, reported):
        status = reported
        status_at = max(status_at, clock.now()) if status_at else clock.now()
    latest = max((event.at for event in fresh.values()), default=None)
    last_event_at = before_last
    if latest is not None and (before_last is None or latest > before_last):
        last_event_at = latest
    if (status, status_at, last_event_at) == (
        shipment.status,
        shipment.status_at,
        shipment.last_event_at,
    ):
        return bool(fresh)
    shipment.status = status
    shipment.status_at = status_at
    shipment.last_event_at = last_event_at
    shipment.save(update_fields=["status", "status_at", "last_event_at", "updated_at"])
    if status != before_status:
        events.append(
            pending_event(
                "shipment.status_changed",
                shipment,
                before={"status": before_status},
                after={"status": status, "order_id": shipment.order_id},
            )
        )
    if shipment.delayed_since is not None and (
        last_event_at != before_last or status in FINAL_SHIPMENT_STATUSES
    ):
        clear_delay(shipment, events=events)
    return True


def advance_order_by_tracking(order: Order, *, events: list[PendingEvent]) -> bool:
    """Move the locked `order` to delivered when every one of its shipments is delivered
    and the order may still go there (one "order.status_changed"). Returns whether it
    moved."""
    if order.status == OrderStatus.DELIVERED or not can_change_order_status(
        order.status, OrderStatus.DELIVERED
    ):
        return False
    shipments = list(order.shipments.values_list("status", "status_at"))
    if not shipments or any(status != ShipmentStatus.DELIVERED for status, _at in shipments):
        return False
    # When the last parcel arrived, never before the status it replaces was reached.
    moments = [at for _status, at in shipments if at is not None]
    if order.status_changed_at is not None:
        moments.append(order.status_changed_at)
    move_order_status(
        order,
        OrderStatus.DELIVERED,
        at=max(moments, default=None) or clock.now(),
        source=StatusSource.TRACKING,
        events=events,
    )
    return True

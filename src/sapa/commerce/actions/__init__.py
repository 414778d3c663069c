"""Every write of the commerce domain: orders (orders.py), their status (status.py),
shipments and tracking (tracking.py), delays (delays.py), CSV imports (imports.py)."""

from sapa.commerce.actions.orders import (
    OrderData,
    OrderOutcome,
    OrderResult,
    record_order,
    upsert_order,
)
from sapa.commerce.actions.tracking import ShipmentData, TrackingEvent, add_tracking_events

__all__ = [
    "OrderData",
    "OrderOutcome",
    "OrderResult",
    "ShipmentData",
    "TrackingEvent",
    "add_tracking_events",
    "record_order",
    "upsert_order",
]

"""Orders for the commerce tests, made the way the shop makes them: through record_order."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sapa.channels.kinds import IdentityKind
from sapa.channels.messages import Address
from sapa.commerce.actions import OrderData, ShipmentData, TrackingEvent, record_order
from sapa.commerce.models import OrderStatus, ShipmentStatus
from sapa.core.actors import Actor

WIB = ZoneInfo("Asia/Jakarta")
PLACED = datetime(2026, 11, 10, 9, 15, tzinfo=WIB)
SHOP = Actor.system("shop")


def order_data(number: str = "INV-1", **overrides: Any) -> OrderData:
    values: dict[str, Any] = {
        "number": number,
        "customer_addresses": (Address(IdentityKind.EMAIL, "rina@example.com"),),
        "customer_name": "Rina Wulandari",
        "status": OrderStatus.PAID,
        "total_minor": 189000,
        "currency": "IDR",
        "placed_at": PLACED,
        "items": [],
        "shipments": (),
    }
    values.update(overrides)
    return OrderData(**values)


def shipment(
    *events: tuple[datetime, str],
    carrier: str = "JNE",
    tracking: str = "JNE001",
    status: str = ShipmentStatus.PENDING,
) -> ShipmentData:
    return ShipmentData(
        carrier=carrier,
        tracking_number=tracking,
        status=ShipmentStatus(status),
        events=tuple(
            TrackingEvent(at=at, status=ShipmentStatus(event_status), description=event_status)
            for at, event_status in events
        ),
    )


def place(number: str = "INV-1", **overrides: Any):
    """record_order as the shop, returning the OrderResult."""
    return record_order(order_data(number, **overrides), actor=SHOP)


def at(days: float = 0, hours: float = 0) -> datetime:
    return PLACED + timedelta(days=days, hours=hours)

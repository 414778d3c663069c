"""API schemas for orders and shipments."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import AwareDatetime

from sapa.commerce.models import Order, OrderStatus, Shipment, ShipmentStatus


class OrderCustomerIn(Schema):
    name: str = Field("", max_length=200)
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=40)


class OrderItemIn(Schema):
    sku: str = Field("", max_length=64)
    name: str = Field(min_length=1, max_length=300)
    quantity: int = Field(1, ge=1, le=100_000)
    unit_price_minor: int = Field(0, ge=0)


class TrackingEventIn(Schema):
    at: AwareDatetime
    status: ShipmentStatus
    description: str = Field("", max_length=500)
    location: str = Field("", max_length=200)


class ShipmentIn(Schema):
    carrier: str = Field(min_length=1, max_length=32)
    tracking_number: str = Field(min_length=1, max_length=64)
    status: ShipmentStatus = ShipmentStatus.PENDING
    events: list[TrackingEventIn] = Field([], max_length=500)


class OrderIn(Schema):
    customer: OrderCustomerIn
    status: OrderStatus
    status_at: AwareDatetime | None = Field(
        None,
        description=(
            "When the status became true at the shop. An update older than the stored one "
            "is stale: answered 200 with `stale: true`, the order left as it is."
        ),
    )
    total_minor: int = Field(ge=0, description="In minor units (IDR has none: 150000 = Rp150.000)")
    currency: str = Field("IDR", pattern=r"^[A-Z]{3}$")
    placed_at: AwareDatetime
    items: list[OrderItemIn] = Field([], max_length=1000)
    shipments: list[ShipmentIn] = Field([], max_length=50)


class TrackingEventOut(Schema):
    at: datetime
    status: str
    description: str
    location: str


class ShipmentOut(Schema):
    carrier: str
    carrier_code: str
    tracking_number: str
    status: str
    last_event_at: datetime | None
    delayed_since: datetime | None
    events: list[TrackingEventOut]

    @staticmethod
    def resolve_events(shipment: Shipment) -> list[Any]:
        return sorted(shipment.events.all(), key=lambda e: e.at, reverse=True)


class OrderOut(Schema):
    id: int
    number: str
    customer_id: int
    status: str
    status_changed_at: datetime | None
    total_minor: int
    currency: str
    placed_at: datetime
    items: list[dict[str, Any]]
    shipments: list[ShipmentOut]

    @staticmethod
    def resolve_shipments(order: Order) -> list[Any]:
        return list(order.shipments.all())


class OrderUpsertOut(OrderOut):
    outcome: str = Field(description="created, updated, unchanged or stale")
    stale: bool = Field(
        description="The status sent was not applied: Sapa knows a newer one (see docs/orders.md)."
    )


class TrackingEventsIn(Schema):
    carrier: str | None = Field(None, max_length=32)
    events: list[TrackingEventIn] = Field(min_length=1, max_length=500)


class ShipmentWithOrderOut(ShipmentOut):
    order_number: str
    order_status: str

    @staticmethod
    def resolve_order_number(shipment: Shipment) -> str:
        return shipment.order.number

    @staticmethod
    def resolve_order_status(shipment: Shipment) -> str:
        return shipment.order.status


class OrderConflictOut(Schema):
    """A 409: `code` says which. An illegal status change also names the field (`loc`) and
    both statuses (`from`, `to`)."""

    model_config = {"populate_by_name": True}

    detail: str
    code: str
    loc: list[str] | None = None
    from_status: str | None = Field(None, alias="from")
    to_status: str | None = Field(None, alias="to")

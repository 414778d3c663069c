"""Named reads of orders and shipments: the customer panel, the API's answers, the delayed
list."""

from django.db.models import Prefetch

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission, require
from sapa.commerce.carriers import carrier_code
from sapa.commerce.exceptions import (
    AmbiguousTrackingNumber,
    OrderImportNotFound,
    ShipmentNotFound,
)
from sapa.commerce.models import CarrierPolicy, Order, OrderImport, Shipment, ShipmentEvent
from sapa.core.actors import Actor
from sapa.customers.models import Customer


def recent_orders(customer: Customer, *, limit: int = 5) -> list[Order]:
    """The customer's latest orders with shipments and their tracking events (newest first).
    Three queries."""
    return list(
        Order.objects.filter(customer=customer)
        .prefetch_related(
            Prefetch("shipments", queryset=Shipment.objects.order_by("pk")),
            Prefetch("shipments__events", queryset=ShipmentEvent.objects.order_by("-at", "-pk")),
        )
        .order_by("-placed_at")[:limit]
    )


# The customer panel's name for it (docs: each app offers panel_<thing>(customer)).
panel_orders = recent_orders


def latest_order(customer: Customer) -> Order | None:
    return Order.objects.filter(customer=customer).order_by("-placed_at").first()


def order_with_tracking(order_id: int) -> Order:
    """One order with its shipments and their events, for an answer. Three queries."""
    return Order.objects.prefetch_related(
        Prefetch("shipments", queryset=Shipment.objects.order_by("pk")), "shipments__events"
    ).get(pk=order_id)


def shipment_with_events(shipment_id: int) -> Shipment:
    """One shipment with its order and events, for an answer. Two queries."""
    return Shipment.objects.select_related("order").prefetch_related("events").get(pk=shipment_id)


def access_tracked_shipment(
    actor: Actor, tracking_number: str, *, carrier: str | None = None
) -> Shipment:
    """The shipment with `tracking_number` (of `carrier`, any spelling, when given) for an
    actor who may write orders. Raises PermissionDenied (before saying whether it exists),
    ShipmentNotFound, AmbiguousTrackingNumber (several carriers use the number)."""
    require(actor, Permission.WRITE_ORDERS)
    shipments = Shipment.objects.filter(tracking_number=tracking_number)
    if carrier and carrier.strip():
        shipments = shipments.filter(carrier_code=carrier_code(carrier))
    found = list(shipments.order_by("pk")[:2])
    if not found:
        raise ShipmentNotFound()
    if len(found) > 1:
        raise AmbiguousTrackingNumber()
    return found[0]


def access_order_import(agent: Agent, public_id: str) -> OrderImport:
    """An upload by its public id, for an agent who may write orders. Raises
    PermissionDenied, OrderImportNotFound."""
    require(Actor.for_agent(agent), Permission.WRITE_ORDERS)
    found = OrderImport.objects.filter(public_id=public_id).first()
    if found is None:
        raise OrderImportNotFound()
    return found


def recent_order_imports(agent: Agent, *, limit: int = 10) -> list[OrderImport]:
    """The agent's latest uploads, newest first."""
    return list(OrderImport.objects.filter(uploaded_by=agent).order_by("-created_at")[:limit])


def delayed_shipments(*, limit: int = 200) -> list[Shipment]:
    """Shipments flagged as delayed, the latest flagged first, with their order, customer
    and alert ticket. One query."""
    return list(
        Shipment.objects.filter(delayed_since__isnull=False)
        .select_related("order__customer", "delay_ticket")
        .order_by("-delayed_since", "-id")[:limit]
    )


def carrier_policies() -> list[CarrierPolicy]:
    """Every carrier's delay policy, by name."""
    return list(CarrierPolicy.objects.order_by("name"))

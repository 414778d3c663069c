"""Named reads of orders for the customer panel."""

from django.db.models import Prefetch

from sapa.commerce.models import Order, ShipmentEvent
from sapa.customers.models import Customer


def recent_orders(customer: Customer, *, limit: int = 5) -> list[Order]:
    """The customer's latest orders with shipments and their tracking events (newest first).
    Three queries."""
    return list(
        Order.objects.filter(customer=customer)
        .prefetch_related(
            "shipments",
            Prefetch("shipments__events", queryset=ShipmentEvent.objects.order_by("-at")),
        )
        .order_by("-placed_at")[:limit]
    )


def latest_order(customer: Customer) -> Order | None:
    return Order.objects.filter(customer=customer).order_by("-placed_at").first()

"""Orders for the review tests, made the way the shop makes them (upsert_order), and the
people who moderate: a supervisor (may), an agent (may not)."""

import itertools
from datetime import timedelta
from typing import Any

import pytest

from sapa.accounts.models import Role
from sapa.channels.kinds import IdentityKind
from sapa.commerce.actions import OrderData, upsert_order
from sapa.commerce.models import Order, OrderStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.customers.addresses import normalise_address
from sapa.reviews import actions
from sapa.reviews.links import review_token
from sapa.reviews.models import Review, ReviewSource
from tests.factories import AgentFactory

SHOP = Actor.system("test-shop")
_numbers = itertools.count(1)
ITEMS = [
    {"sku": "BK-4001", "name": "Negeri 5 Menara", "quantity": 1, "unit_price_minor": 89000},
    {"sku": "BK-4002", "name": "Ranah 3 Warna", "quantity": 2, "unit_price_minor": 79000},
]


def make_order(
    number: str | None = None,
    *,
    status: OrderStatus = OrderStatus.DELIVERED,
    name: str = "Budi Santoso",
    email: str = "budi@example.com",
) -> Order:
    data = OrderData(
        number=number or f"INV-{next(_numbers):05d}",
        customer_addresses=(normalise_address(IdentityKind.EMAIL, email),),
        customer_name=name,
        status=status,
        total_minor=247000,
        currency="IDR",
        placed_at=clock.now() - timedelta(days=6),
        items=[dict(item) for item in ITEMS],
    )
    order, _created = upsert_order(data, actor=SHOP)
    return Order.objects.select_related("customer").get(pk=order.pk)


def review_of(order: Order, **fields: Any) -> Review:
    """A review written through the customer's link."""
    fields.setdefault("stars", 5)
    fields.setdefault("text", "Bukunya bagus, pengiriman cepat, mantap!")
    return actions.submit_review(
        order,
        actions.ReviewDraft(**fields),
        source=ReviewSource.LINK,
        actor=Actor.customer(order.customer.name),
    )


def page_url(order: Order) -> str:
    return f"/r/{review_token(order)}/"


@pytest.fixture
def order(db: None) -> Order:
    return make_order()


@pytest.fixture
def supervisor(db: None) -> Any:
    return AgentFactory(username="sari", first_name="Sari", role=Role.SUPERVISOR)


@pytest.fixture
def agent(db: None) -> Any:
    return AgentFactory(username="andi", first_name="Andi", role=Role.AGENT)

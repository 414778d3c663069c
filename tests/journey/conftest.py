"""Journey fixtures: doing things at a given moment, with their after-commit reactions
(the journey handler among them) run before the block ends, and the shop's orders."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Any

import pytest

from sapa.channels.kinds import IdentityKind
from sapa.commerce.actions import OrderData, upsert_order
from sapa.commerce.models import Order, OrderStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.customers.addresses import normalise_address
from sapa.demo.story import SHOP_TIMEZONE

SHOP = Actor.system("shop")


def jakarta(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHOP_TIMEZONE)


@pytest.fixture
def at(
    django_capture_on_commit_callbacks: Any,
) -> Callable[[datetime], AbstractContextManager[None]]:
    """`with at(moment):` runs the block with the clock at `moment`, then the after-commit
    reactions it caused (event handlers, the journey's among them) at the same moment."""

    @contextmanager
    def moment(when: datetime) -> Iterator[None]:
        with clock.frozen_at(when), django_capture_on_commit_callbacks(execute=True):
            yield

    return moment


def place_order(
    number: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    status: OrderStatus = OrderStatus.PAID,
    total_minor: int = 100_000,
    placed_at: datetime | None = None,
    name: str = "",
) -> Order:
    """The shop pushes an order, as PUT /api/v1/orders/{number} does."""
    addresses = []
    if email:
        addresses.append(normalise_address(IdentityKind.EMAIL, email))
    if phone:
        addresses.append(normalise_address(IdentityKind.PHONE, phone))
    order, _created = upsert_order(
        OrderData(
            number=number,
            customer_addresses=tuple(addresses),
            customer_name=name,
            status=status,
            total_minor=total_minor,
            currency="IDR",
            placed_at=placed_at or clock.now(),
        ),
        actor=SHOP,
    )
    return order

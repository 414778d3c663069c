"""Orders pushed the way the shop does (sapa.commerce.actions.record_order), at a fixed
moment in shop hours, with quiet hours off so nothing waits on the time of day."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sapa.channels.kinds import IdentityKind
from sapa.commerce.actions import OrderData, record_order
from sapa.commerce.models import Order, OrderStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.customers.addresses import normalise_address

WIB = ZoneInfo("Asia/Jakarta")
# A Tuesday morning in the shop's time zone.
NOW = datetime(2026, 11, 10, 10, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def _shop_hours(settings: Any) -> Iterator[None]:
    settings.SAPA_QUIET_HOURS = ""
    settings.SAPA_SHOP_NAME = "Toko Buku Sapa"
    with clock.frozen_at(NOW):
        yield


def push_order(
    number: str = "INV-1",
    status: OrderStatus = OrderStatus.IN_TRANSIT,
    *,
    email: str = "rina@example.com",
    name: str = "Rina Wulandari",
    total_minor: int = 189000,
    placed_at: datetime | None = None,
    status_at: datetime | None = None,
) -> Order:
    """The shop sends the order (created or updated); returns it fresh from the database."""
    result = record_order(
        OrderData(
            number=number,
            customer_addresses=(normalise_address(IdentityKind.EMAIL, email),),
            customer_name=name,
            status=status,
            total_minor=total_minor,
            currency="IDR",
            placed_at=placed_at or clock.now() - timedelta(days=3),
            status_at=status_at,
        ),
        actor=Actor.system("shop"),
    )
    return Order.objects.select_related("customer").get(pk=result.order.pk)


def at(moment: datetime) -> Any:
    return clock.frozen_at(moment)

"""What importing a parsed CSV would do, row by row, read from the database without writing
(the console's preview step): new, update, unchanged, stale, or the error that would stop it.

It mirrors `record_order`'s rules: the status verdict of the state machine, the fields it
compares, the customer it would find, the shipments it would add. Reads in batches of 500
orders: a handful of queries per batch whatever the file's size.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice

from django.conf import settings

from sapa.channels.kinds import PHONE_KINDS
from sapa.channels.messages import Address
from sapa.commerce.actions import OrderData, ShipmentData
from sapa.commerce.carriers import carrier_code
from sapa.commerce.csv_import import ParsedRow, RowError
from sapa.commerce.exceptions import InvalidOrderTransition, ShipmentBelongsToAnotherOrder
from sapa.commerce.models import Order, Shipment
from sapa.commerce.states import Verdict, judge_status_update
from sapa.customers.models import Identity

BATCH = 500


class Preview(StrEnum):
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    STALE = "stale"
    ERROR = "error"


@dataclass(frozen=True)
class RowPreview:
    row: int
    number: str
    order: OrderData | None
    outcome: Preview
    errors: tuple[RowError, ...] = ()


def preview_rows(rows: list[ParsedRow], *, status_column: str = "status") -> list[RowPreview]:
    """The outcome of each parsed row, in file order."""
    previews: list[RowPreview] = []
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        previews.extend(_preview_batch(batch, status_column=status_column))
    return previews


def _preview_batch(rows: list[ParsedRow], *, status_column: str) -> list[RowPreview]:
    valid = [row.order for row in rows if row.order is not None]
    orders = {
        order.number: order
        for order in Order.objects.filter(
            shop=settings.SAPA_SHOP, number__in=[data.number for data in valid]
        )
    }
    shipments = _shipments([shipment for data in valid for shipment in data.shipments])
    owners = _owners([address for data in valid for address in data.customer_addresses])
    previews = []
    for row in rows:
        if row.order is None:
            previews.append(RowPreview(row.row, row.number, None, Preview.ERROR, row.errors))
            continue
        data = row.order
        order = orders.get(data.number)
        try:
            outcome = _outcome(order, data, shipments, owners)
        except InvalidOrderTransition as error:
            problem = RowError(row.row, status_column, str(error.message))
            previews.append(RowPreview(row.row, data.number, data, Preview.ERROR, (problem,)))
            continue
        except ShipmentBelongsToAnotherOrder as error:
            problem = RowError(row.row, "tracking_number", str(error.message))
            previews.append(RowPreview(row.row, data.number, data, Preview.ERROR, (problem,)))
            continue
        previews.append(RowPreview(row.row, data.number, data, outcome))
    return previews


def _outcome(
    order: Order | None,
    data: OrderData,
    shipments: dict[tuple[str, str], int],
    owners: dict[tuple[str, str], int],
) -> Preview:
    new_shipment = False
    for shipment in data.shipments:
        owner = shipments.get((carrier_code(shipment.carrier), shipment.tracking_number))
        if owner is not None and (order is None or owner != order.pk):
            raise ShipmentBelongsToAnotherOrder()
        new_shipment = new_shipment or owner is None
    if order is None:
        return Preview.NEW
    verdict = judge_status_update(
        current=order.status,
        current_at=order.status_changed_at,
        source=order.status_source,
        target=data.status,
        target_at=data.status_at,
    )
    if verdict == Verdict.STALE:
        return Preview.STALE
    customer_id = next(
        (owners[_key(a)] for a in data.customer_addresses if _key(a) in owners), None
    )
    changed = (
        verdict == Verdict.APPLY
        or new_shipment
        or customer_id != order.customer_id
        or order.total_minor != data.total_minor
        or order.currency != data.currency
        or order.placed_at != data.placed_at
        or (data.items is not None and order.items != data.items)
    )
    if changed:
        return Preview.UPDATE
    return Preview.STALE if verdict == Verdict.BEHIND_TRACKING else Preview.UNCHANGED


def _key(address: Address) -> tuple[str, str]:
    return ("phone" if address.kind in PHONE_KINDS else address.kind, address.value)


def _owners(addresses: Iterable[Address]) -> dict[tuple[str, str], int]:
    """(kind, value) -> the customer id that owns the address; phone kinds count as one."""
    values = {address.value for address in addresses}
    owners: dict[tuple[str, str], int] = {}
    for kind, value, customer_id in Identity.objects.filter(value__in=values).values_list(
        "kind", "value", "customer_id"
    ):
        owners.setdefault(("phone" if kind in PHONE_KINDS else kind, value), customer_id)
    return owners


def _shipments(reported: Iterable[ShipmentData]) -> dict[tuple[str, str], int]:
    """(carrier code, tracking number) -> order id of the stored shipments among `reported`."""
    numbers = {shipment.tracking_number for shipment in reported}
    return {
        (code, number): order_id
        for code, number, order_id in Shipment.objects.filter(
            tracking_number__in=numbers
        ).values_list("carrier_code", "tracking_number", "order_id")
    }

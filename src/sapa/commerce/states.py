"""The order and shipment state machines: which status changes are legal.

Orders move forward along placed → paid → packed → shipped → in_transit → delivered. Any
forward skip is legal (shops often skip "packed", and cash-on-delivery orders go from
"placed" straight to "shipped"); nothing moves backwards. An order can be cancelled before
it ships (placed, paid, packed), and returned once it has shipped (shipped, in_transit,
delivered). Cancelled and returned are final. docs/orders.md has the table.

Shipments follow the carrier: pending → picked_up → in_transit → out_for_delivery →
delivered, with failed_delivery (another attempt follows, or the parcel goes back) and
returned. A shipment's status is that of its latest tracking event by time; the machine
below only decides what a *reported* status without a tracking event may do (forward only).
"""

from datetime import datetime
from enum import StrEnum

from sapa.commerce.exceptions import InvalidOrderTransition
from sapa.commerce.models import OrderStatus, ShipmentStatus, StatusSource

# The fulfilment road, in order. Cancelled and returned leave it.
ORDER_FLOW: tuple[OrderStatus, ...] = (
    OrderStatus.PLACED,
    OrderStatus.PAID,
    OrderStatus.PACKED,
    OrderStatus.SHIPPED,
    OrderStatus.IN_TRANSIT,
    OrderStatus.DELIVERED,
)
CANCELLABLE: frozenset[OrderStatus] = frozenset(
    {OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.PACKED}
)
RETURNABLE: frozenset[OrderStatus] = frozenset(
    {OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.DELIVERED}
)
FINAL_ORDER_STATUSES: frozenset[OrderStatus] = frozenset(
    {OrderStatus.CANCELLED, OrderStatus.RETURNED}
)


def _order_transitions() -> dict[OrderStatus, frozenset[OrderStatus]]:
    table: dict[OrderStatus, frozenset[OrderStatus]] = {}
    for index, status in enumerate(ORDER_FLOW):
        targets = set(ORDER_FLOW[index + 1 :])
        if status in CANCELLABLE:
            targets.add(OrderStatus.CANCELLED)
        if status in RETURNABLE:
            targets.add(OrderStatus.RETURNED)
        table[status] = frozenset(targets)
    for status in FINAL_ORDER_STATUSES:
        table[status] = frozenset()
    return table


# status -> the statuses it may change to (a status "changing" to itself is no change).
ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = _order_transitions()


def can_change_order_status(current: str, target: str) -> bool:
    """Whether an order in `current` may move to `target` (False for the same status)."""
    return OrderStatus(target) in ORDER_TRANSITIONS[OrderStatus(current)]


def check_order_transition(current: str, target: str) -> None:
    """Raise InvalidOrderTransition unless `current` → `target` is legal."""
    if not can_change_order_status(current, target):
        raise InvalidOrderTransition(current=OrderStatus(current), target=OrderStatus(target))


def is_behind(current: str, target: str) -> bool:
    """Whether `target` is an earlier step of the fulfilment road than `current` (a report
    that lags behind what Sapa already knows)."""
    if current not in ORDER_FLOW or target not in ORDER_FLOW:
        return False
    return ORDER_FLOW.index(OrderStatus(target)) < ORDER_FLOW.index(OrderStatus(current))


# --- Shipments ------------------------------------------------------------------------------

SHIPMENT_TRANSITIONS: dict[ShipmentStatus, frozenset[ShipmentStatus]] = {
    ShipmentStatus.PENDING: frozenset(
        {
            ShipmentStatus.PICKED_UP,
            ShipmentStatus.IN_TRANSIT,
            ShipmentStatus.OUT_FOR_DELIVERY,
            ShipmentStatus.DELIVERED,
            ShipmentStatus.FAILED_DELIVERY,
            ShipmentStatus.RETURNED,
        }
    ),
    ShipmentStatus.PICKED_UP: frozenset(
        {
            ShipmentStatus.IN_TRANSIT,
            ShipmentStatus.OUT_FOR_DELIVERY,
            ShipmentStatus.DELIVERED,
            ShipmentStatus.FAILED_DELIVERY,
            ShipmentStatus.RETURNED,
        }
    ),
    ShipmentStatus.IN_TRANSIT: frozenset(
        {
            ShipmentStatus.OUT_FOR_DELIVERY,
            ShipmentStatus.DELIVERED,
            ShipmentStatus.FAILED_DELIVERY,
            ShipmentStatus.RETURNED,
        }
    ),
    ShipmentStatus.OUT_FOR_DELIVERY: frozenset(
        {ShipmentStatus.DELIVERED, ShipmentStatus.FAILED_DELIVERY, ShipmentStatus.RETURNED}
    ),
    # After a failed attempt the parcel goes out again or back to the sender.
    ShipmentStatus.FAILED_DELIVERY: frozenset(
        {ShipmentStatus.OUT_FOR_DELIVERY, ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED}
    ),
    ShipmentStatus.DELIVERED: frozenset(),
    ShipmentStatus.RETURNED: frozenset(),
}

# Which of two tracking events at the very same time is the later step.
SHIPMENT_RANK: dict[str, int] = {
    ShipmentStatus.PENDING: 0,
    ShipmentStatus.PICKED_UP: 1,
    ShipmentStatus.IN_TRANSIT: 2,
    ShipmentStatus.OUT_FOR_DELIVERY: 3,
    ShipmentStatus.FAILED_DELIVERY: 4,
    ShipmentStatus.DELIVERED: 5,
    ShipmentStatus.RETURNED: 6,
}


def can_change_shipment_status(current: str, target: str) -> bool:
    """Whether a reported (untimed) shipment status may replace `current`."""
    return ShipmentStatus(target) in SHIPMENT_TRANSITIONS[ShipmentStatus(current)]


# --- Updates that arrive late -----------------------------------------------------------------


class Verdict(StrEnum):
    """What to do with the status of an order update."""

    STALE = "stale"  # older than what Sapa knows: the order's fields are left as they are
    SAME = "same"  # the status is unchanged (no event)
    APPLY = "apply"  # a legal change
    BEHIND_TRACKING = "behind_tracking"  # lags behind what tracking told us: status kept


def judge_status_update(
    *,
    current: str,
    current_at: datetime | None,
    source: str,
    target: str,
    target_at: datetime | None,
) -> Verdict:
    """How an update saying `target` (as of `target_at`, if the shop said) meets an order
    in `current` (reached at `current_at`, set by `source`). Raises InvalidOrderTransition
    for an illegal change that is not explained by lateness."""
    if target_at is not None and current_at is not None and target_at < current_at:
        return Verdict.STALE
    if target == current:
        return Verdict.SAME
    if can_change_order_status(current, target):
        return Verdict.APPLY
    if source == StatusSource.TRACKING and is_behind(current, target):
        return Verdict.BEHIND_TRACKING
    check_order_transition(current, target)
    raise AssertionError("unreachable")

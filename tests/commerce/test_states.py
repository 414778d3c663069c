"""The order state machine, pair by pair, and carrier names normalised to codes."""

import itertools

import pytest
from django.utils import translation

from sapa.commerce.carriers import carrier_code
from sapa.commerce.exceptions import InvalidOrderTransition
from sapa.commerce.models import OrderStatus, ShipmentStatus
from sapa.commerce.states import (
    can_change_order_status,
    can_change_shipment_status,
    check_order_transition,
)

P, PA, PK, S, T, D, R, C = (
    "placed", "paid", "packed", "shipped", "in_transit", "delivered", "returned", "cancelled",
)  # fmt: skip

# Every legal change; every other pair of different statuses is illegal.
LEGAL = {
    (P, PA), (P, PK), (P, S), (P, T), (P, D), (P, C),
    (PA, PK), (PA, S), (PA, T), (PA, D), (PA, C),
    (PK, S), (PK, T), (PK, D), (PK, C),
    (S, T), (S, D), (S, R),
    (T, D), (T, R),
    (D, R),
}  # fmt: skip
ALL_PAIRS = [(a, b) for a, b in itertools.product(OrderStatus.values, repeat=2) if a != b]


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_order_transition_table(current, target):
    """Forward skips are legal, backwards never; cancel before shipping, return after;
    nothing leaves cancelled or returned."""
    legal = (current, target) in LEGAL
    assert can_change_order_status(current, target) is legal
    if legal:
        check_order_transition(current, target)
    else:
        with pytest.raises(InvalidOrderTransition) as raised:
            check_order_transition(current, target)
        assert (raised.value.current, raised.value.target) == (current, target)


def test_the_same_status_is_no_transition():
    assert not any(can_change_order_status(status, status) for status in OrderStatus.values)


def test_transition_error_names_the_field_and_both_statuses_in_words():
    # given / when
    with translation.override("en"):
        body = InvalidOrderTransition(current=OrderStatus.DELIVERED, target=OrderStatus.PAID).body()
    # then
    assert body == {
        "detail": "An order cannot go from “Delivered” to “Paid”.",
        "code": "invalid_order_transition",
        "loc": ["body", "status"],
        "from": "delivered",
        "to": "paid",
    }


@pytest.mark.parametrize(
    ("current", "target", "legal"),
    [
        ("pending", "picked_up", True),
        ("pending", "delivered", True),
        ("in_transit", "picked_up", False),
        ("out_for_delivery", "in_transit", False),
        ("failed_delivery", "out_for_delivery", True),
        ("delivered", "returned", False),
        ("returned", "pending", False),
    ],
)
def test_reported_shipment_status_only_moves_forward(current, target, legal):
    assert can_change_shipment_status(ShipmentStatus(current), ShipmentStatus(target)) is legal


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("J&T", "jnt"),
        ("jnt", "jnt"),
        ("JNT Express", "jnt"),
        ("J&T Express", "jnt"),
        ("JNE", "jne"),
        ("JNE REG", "jne"),
        ("SiCepat BEST", "sicepat"),
        ("Si Cepat", "sicepat"),
        ("AnterAja", "anteraja"),
        ("POS Indonesia", "pos"),
        ("GoSend Instant", "gosend"),
        ("Ninja Xpress", "ninja"),
        ("Kurir Toko", "kurirtoko"),
        ("", "unknown"),
    ],
)
def test_carrier_names_are_normalised(name, code):
    assert carrier_code(name) == code

"""Order status changes through PUT /api/v1/orders/{number}: one event per change, 409 for
an illegal one, stale and repeated updates ignored, tracking moving an order to delivered."""

from typing import Any

import pytest

from sapa.commerce.exceptions import InvalidOrderTransition
from sapa.commerce.models import Order, OrderStatus, StatusSource
from sapa.core.models import Event
from tests.commerce.conftest import at, place, shipment

pytestmark = pytest.mark.django_db


def body(status: str, status_at: str | None = None, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "customer": {"name": "Rina Wulandari", "email": "rina@example.com"},
        "status": status,
        "total_minor": 189000,
        "placed_at": "2026-11-10T09:15:00+07:00",
    }
    if status_at:
        payload["status_at"] = status_at
    payload.update(overrides)
    return payload


def status_events() -> list[tuple[str, str]]:
    return [
        (event.before["status"], event.after["status"])
        for event in Event.objects.filter(verb="order.status_changed").order_by("pk")
    ]


def test_each_transition_writes_exactly_one_status_event(admin_api):
    """placed → paid → shipped (skipping packed) → delivered: three events with before,
    after and the customer; order.created stays."""
    # given
    admin_api.put_json("/api/v1/orders/INV-1", body("placed"))
    # when
    for status in ("paid", "shipped", "delivered"):
        response = admin_api.put_json("/api/v1/orders/INV-1", body(status))
        assert response.status_code == 200, response.content
        assert response.json()["outcome"] == "updated"
    # then
    assert status_events() == [("placed", "paid"), ("paid", "shipped"), ("shipped", "delivered")]
    order = Order.objects.get()
    last = Event.objects.filter(verb="order.status_changed").latest("pk")
    assert last.after["customer_id"] == order.customer_id
    assert (last.subject_type, last.subject_id) == ("order", order.pk)
    assert Event.objects.filter(verb="order.created").count() == 1


def test_the_same_status_twice_is_a_no_op(admin_api):
    # given
    admin_api.put_json("/api/v1/orders/INV-1", body("paid"))
    events = Event.objects.count()
    # when
    response = admin_api.put_json("/api/v1/orders/INV-1", body("paid"))
    # then
    assert response.status_code == 200
    assert (response.json()["outcome"], response.json()["stale"]) == ("unchanged", False)
    assert Event.objects.count() == events


@pytest.mark.parametrize(
    ("start", "target"),
    [("delivered", "paid"), ("cancelled", "paid"), ("shipped", "cancelled"), ("paid", "returned")],
)
def test_an_illegal_change_is_409_naming_the_field_and_changes_nothing(admin_api, start, target):
    # given
    admin_api.put_json("/api/v1/orders/INV-1", body(start))
    events = Event.objects.count()
    # when
    response = admin_api.put_json(
        "/api/v1/orders/INV-1", body(target, total_minor=1, items=[{"name": "Lain"}])
    )
    # then
    assert response.status_code == 409
    answer = response.json()
    assert answer["code"] == "invalid_order_transition"
    assert answer["loc"] == ["body", "status"]
    assert (answer["from"], answer["to"]) == (start, target)
    assert answer["detail"]  # the sentence: test_the_409_sentence_speaks_the_request_language
    order = Order.objects.get()
    assert (order.status, order.total_minor, order.items) == (start, 189000, [])
    assert Event.objects.count() == events


def test_the_409_sentence_speaks_the_request_language(admin_api):
    admin_api.put_json("/api/v1/orders/INV-1", body("delivered"))
    response = admin_api.put(
        "/api/v1/orders/INV-1",
        body("placed"),
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert response.json()["detail"] == "An order cannot go from “Delivered” to “Placed”."


def test_an_older_update_arriving_late_is_stale_and_changes_nothing(admin_api):
    """The shop sent shipped at 12:00, then the paid of 10:00 arrives: 200, stale, the order
    stays shipped and nothing is recorded."""
    # given
    admin_api.put_json("/api/v1/orders/INV-1", body("placed", "2026-11-10T09:15:00+07:00"))
    admin_api.put_json("/api/v1/orders/INV-1", body("shipped", "2026-11-10T12:00:00+07:00"))
    events = Event.objects.count()
    # when
    response = admin_api.put_json(
        "/api/v1/orders/INV-1", body("paid", "2026-11-10T10:00:00+07:00", total_minor=5)
    )
    # then
    assert response.status_code == 200
    answer = response.json()
    assert (answer["status"], answer["outcome"], answer["stale"]) == ("shipped", "stale", True)
    assert answer["total_minor"] == 189000
    assert Event.objects.count() == events
    order = Order.objects.get()
    assert order.status_changed_at.isoformat() == "2026-11-10T05:00:00+00:00"


def test_a_stale_update_is_never_an_error_even_when_its_status_went_backwards(admin_api):
    admin_api.put_json("/api/v1/orders/INV-1", body("delivered", "2026-11-14T10:00:00+07:00"))
    response = admin_api.put_json(
        "/api/v1/orders/INV-1", body("placed", "2026-11-10T09:15:00+07:00")
    )
    assert response.status_code == 200
    assert response.json()["stale"] is True


def test_updates_delivered_twice_and_out_of_order_end_in_the_latest_state(admin_api):
    """A webhook stream delivered late and twice: placed, shipped, paid (late), shipped
    (again): shipped, with exactly two status events."""
    # given
    stream = [
        ("placed", "2026-11-10T09:15:00+07:00"),
        ("shipped", "2026-11-11T09:00:00+07:00"),
        ("paid", "2026-11-10T10:00:00+07:00"),
        ("shipped", "2026-11-11T09:00:00+07:00"),
    ]
    # when
    answers = [admin_api.put_json("/api/v1/orders/INV-1", body(*step)) for step in stream]
    # then
    assert [answer.status_code for answer in answers] == [201, 200, 200, 200]
    assert [answer.json()["outcome"] for answer in answers] == [
        "created",
        "updated",
        "stale",
        "unchanged",
    ]
    assert status_events() == [("placed", "shipped")]
    assert Order.objects.get().status == "shipped"


def test_last_shipment_delivered_moves_the_order_to_delivered_once():
    """An order with two parcels: the first delivered changes nothing; the second moves the
    order to delivered with one event, set by tracking, at the time of the last delivery."""
    # given
    shipped = {"status": OrderStatus.SHIPPED, "status_at": at(1)}
    place(
        **shipped,
        shipments=(
            shipment((at(1), "picked_up"), tracking="A1"),
            shipment((at(1), "picked_up"), tracking="A2"),
        ),
    )
    # when: the first is delivered
    place(**shipped, shipments=(shipment((at(3), "delivered"), tracking="A1"),))
    # then
    assert Order.objects.get().status == "shipped"
    # when: the second, reported twice
    for _ in range(2):
        place(**shipped, shipments=(shipment((at(4), "delivered"), tracking="A2"),))
    # then
    order = Order.objects.get()
    assert (order.status, order.status_source) == ("delivered", StatusSource.TRACKING)
    assert order.status_changed_at == at(4)
    assert status_events() == [("shipped", "delivered")]


def test_a_shop_lagging_behind_tracking_is_not_an_error():
    """Tracking delivered the order; the shop still says in_transit: kept delivered, stale,
    other fields still saved."""
    # given
    place(status=OrderStatus.IN_TRANSIT, shipments=(shipment((at(3), "delivered")),))
    # when
    result = place(status=OrderStatus.IN_TRANSIT, total_minor=200000)
    # then
    assert (result.order.status, result.stale, result.outcome) == ("delivered", True, "updated")
    assert Order.objects.get().total_minor == 200000


def test_a_shop_report_cannot_undo_a_cancellation_even_without_time():
    place(status=OrderStatus.CANCELLED)
    with pytest.raises(InvalidOrderTransition):
        place(status=OrderStatus.PAID)


def test_a_stale_update_still_brings_its_tracking():
    """The order's fields stay, but the delivery scan inside a late update is a fact of its
    own: stored, and it delivers the order."""
    # given
    place(status=OrderStatus.SHIPPED, status_at=at(2), shipments=(shipment((at(1), "picked_up")),))
    # when
    result = place(
        status=OrderStatus.PAID,
        status_at=at(0, hours=1),
        total_minor=1,
        shipments=(shipment((at(1), "picked_up"), (at(3), "delivered")),),
    )
    # then
    assert (result.outcome, result.stale) == ("stale", True)
    order = Order.objects.get()
    assert (order.status, order.total_minor) == ("delivered", 189000)
    assert status_events() == [("shipped", "delivered")]

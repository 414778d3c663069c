"""POST /api/v1/shipments/{tracking}/events: the carrier's scans, appended idempotently;
the shipment's status is that of its latest event by time."""

from typing import Any

import pytest

from sapa.commerce.models import Order, OrderStatus, Shipment, ShipmentEvent
from sapa.core.models import Event
from tests.commerce.conftest import at, place, shipment

pytestmark = pytest.mark.django_db


def scan(when: str, status: str, description: str = "") -> dict[str, Any]:
    return {"at": when, "status": status, "description": description or status}


@pytest.fixture
def parcel():
    """Order INV-1, shipped with JNE001 picked up on the 11th."""
    place(
        status=OrderStatus.SHIPPED,
        status_at=at(1),
        shipments=(shipment((at(1), "picked_up"), tracking="JNE001"),),
    )
    return Shipment.objects.get()


def post(api, tracking: str, events: list[dict[str, Any]], **extra: Any):
    return api.post_json(f"/api/v1/shipments/{tracking}/events", {"events": events, **extra})


def test_events_are_appended_and_the_shipment_comes_back_with_them(admin_api, parcel):
    # when
    response = post(
        admin_api,
        "JNE001",
        [scan("2026-11-12T08:00:00+07:00", "in_transit", "Transit Hub Cakung")],
    )
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["tracking_number"], body["status"], body["order_number"]) == (
        "JNE001",
        "in_transit",
        "INV-1",
    )
    assert [event["description"] for event in body["events"]] == ["Transit Hub Cakung", "picked_up"]
    assert Event.objects.filter(verb="shipment.status_changed").count() == 1


def test_the_same_events_sent_twice_are_stored_once(admin_api, parcel):
    events = [
        scan("2026-11-12T08:00:00+07:00", "in_transit"),
        scan("2026-11-12T08:00:00+07:00", "in_transit"),  # twice in one request too
        scan("2026-11-13T09:00:00+07:00", "out_for_delivery"),
    ]
    post(admin_api, "JNE001", events)
    before = Event.objects.count()
    response = post(admin_api, "JNE001", events)
    assert response.status_code == 200
    assert ShipmentEvent.objects.count() == 3  # picked_up + two
    assert Event.objects.count() == before


def test_a_late_event_is_stored_but_does_not_move_the_shipment_backwards(admin_api, parcel):
    """Delivered on the 14th; the in-transit scan of the 12th arrives afterwards."""
    # given
    post(admin_api, "JNE001", [scan("2026-11-14T10:00:00+07:00", "delivered")])
    # when
    response = post(admin_api, "JNE001", [scan("2026-11-12T08:00:00+07:00", "in_transit")])
    # then
    assert response.json()["status"] == "delivered"
    assert [e["status"] for e in response.json()["events"]] == [
        "delivered",
        "in_transit",
        "picked_up",
    ]
    parcel.refresh_from_db()
    assert (parcel.status, parcel.last_event_at) == ("delivered", at(4, hours=0.75))


def test_delivery_of_the_last_parcel_by_tracking_delivers_the_order_once(admin_api, parcel):
    for _ in range(2):
        post(admin_api, "JNE001", [scan("2026-11-14T10:00:00+07:00", "delivered")])
    order = Order.objects.get()
    assert order.status == "delivered"
    assert list(
        Event.objects.filter(verb="order.status_changed").values_list("before", "after")
    ) == [
        (
            {"status": "shipped"},
            {
                "status": "delivered",
                "customer_id": order.customer_id,
                "status_at": "2026-11-14T03:00:00+00:00",
                "source": "tracking",
            },
        )
    ]


def test_an_unknown_tracking_number_is_404(admin_api, parcel):
    response = post(admin_api, "NOPE", [scan("2026-11-12T08:00:00+07:00", "in_transit")])
    assert response.status_code == 404
    assert response.json()["code"] == "shipment_not_found"


def test_a_number_two_carriers_use_is_409_until_the_carrier_is_named(admin_api, parcel):
    # given: J&T uses the same number for another order
    place("INV-2", shipments=(shipment(carrier="J&T", tracking="JNE001"),))
    events = [scan("2026-11-12T08:00:00+07:00", "in_transit")]
    # when / then
    response = post(admin_api, "JNE001", events)
    assert response.status_code == 409
    assert response.json()["code"] == "ambiguous_tracking_number"
    by_query = admin_api.post_json(
        "/api/v1/shipments/JNE001/events?carrier=jnt%20express", {"events": events}
    )
    assert by_query.status_code == 200
    assert by_query.json()["order_number"] == "INV-2"
    by_body = post(admin_api, "JNE001", events, carrier="JNE")
    assert by_body.json()["order_number"] == "INV-1"


def test_agents_may_not_post_tracking_and_learn_nothing(agent_api, parcel):
    for tracking in ("JNE001", "NOPE"):
        response = post(agent_api, tracking, [scan("2026-11-12T08:00:00+07:00", "in_transit")])
        assert response.status_code == 403
    assert ShipmentEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("events", "loc"),
    [
        ([], ["body", "events"]),
        ([scan("2026-11-12T08:00:00", "in_transit")], ["body", "events", 0, "at"]),
        ([scan("2026-11-12T08:00:00+07:00", "lost")], ["body", "events", 0, "status"]),
        ([scan("2026-11-12T08:00:00+07:00", "in_transit")] * 501, ["body", "events"]),
    ],
)
def test_bad_events_are_422_and_store_nothing(admin_api, parcel, events, loc):
    response = post(admin_api, "JNE001", events)
    assert response.status_code == 422
    assert loc in [item["loc"][: len(loc)] for item in response.json()["detail"]]
    assert ShipmentEvent.objects.count() == 1

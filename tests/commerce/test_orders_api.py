"""PUT /api/v1/orders/{number}: the shop pushes orders, customers and shipments."""

from typing import Any

import pytest

from sapa.commerce.models import Order, Shipment, ShipmentEvent
from sapa.core.models import Event
from sapa.customers.models import Customer

pytestmark = pytest.mark.django_db


def order(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer": {
            "name": "Rina Wulandari",
            "email": "rina@example.com",
            "phone": "081298765432",
        },
        "status": "in_transit",
        "total_minor": 189000,
        "currency": "IDR",
        "placed_at": "2026-11-10T09:15:00+07:00",
        "items": [
            {"sku": "BK-001", "name": "Laskar Pelangi", "quantity": 2, "unit_price_minor": 89000}
        ],
        "shipments": [
            {
                "carrier": "JNE",
                "tracking_number": "JNE0012345678",
                "status": "in_transit",
                "events": [
                    {"at": "2026-11-11T10:00:00+07:00", "status": "picked_up",
                     "description": "Paket diambil kurir", "location": "Bandung"},
                    {"at": "2026-11-12T21:30:00+07:00", "status": "in_transit",
                     "description": "Paket transit di Hub Cakung", "location": "Jakarta Timur"},
                ],
            }
        ],
    }  # fmt: skip
    body.update(overrides)
    return body


def test_put_creates_order_customer_and_shipment(admin_api):
    response = admin_api.put_json("/api/v1/orders/INV-2026-0042", order())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "INV-2026-0042"
    assert body["total_minor"] == 189000
    assert body["shipments"][0]["events"][0]["description"] == "Paket transit di Hub Cakung"
    customer = Customer.objects.get(pk=body["customer_id"])
    assert customer.lifecycle_stage == "purchase"
    assert set(customer.identities.values_list("kind", "value")) == {
        ("email", "rina@example.com"),
        ("phone", "+6281298765432"),
    }


def test_put_again_updates_without_duplicating_events(admin_api):
    admin_api.put_json("/api/v1/orders/INV-1", order())
    changed = order(status="delivered")
    changed["shipments"][0]["status"] = "delivered"
    changed["shipments"][0]["events"].append(
        {"at": "2026-11-14T11:00:00+07:00", "status": "delivered", "description": "Diterima Rina"}
    )
    response = admin_api.put_json("/api/v1/orders/INV-1", changed)
    assert response.status_code == 200
    assert Order.objects.get().status == "delivered"
    assert Shipment.objects.get().status == "delivered"
    assert ShipmentEvent.objects.count() == 3
    assert Customer.objects.count() == 1


def test_second_order_makes_a_repeat_customer(admin_api):
    admin_api.put_json("/api/v1/orders/INV-1", order(shipments=[]))
    body = admin_api.put_json("/api/v1/orders/INV-2", order(shipments=[])).json()
    assert Customer.objects.get(pk=body["customer_id"]).lifecycle_stage == "repurchase"


def test_order_customer_matches_existing_whatsapp_customer(admin_api):
    """An order placed with a phone number already seen on WhatsApp belongs to that customer."""
    wa = admin_api.post_json(
        "/api/v1/inbound",
        {"channel": "whatsapp", "external_id": "wamid.x", "from": {"phone": "+6281298765432"},
         "text": "kak, ada buku Bumi Manusia?"},
    ).json()  # fmt: skip
    body = admin_api.put_json(
        "/api/v1/orders/INV-9", order(customer={"phone": "0812-9876-5432"}, shipments=[])
    ).json()
    assert body["customer_id"] == wa["customer_id"]


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"status": "teleported"}, ["body", "status"]),
        ({"total_minor": -1}, ["body", "total_minor"]),
        ({"currency": "rupiah"}, ["body", "currency"]),
        ({"placed_at": "kemarin"}, ["body", "placed_at"]),
        ({"customer": {"name": "Tanpa Kontak"}}, ["body", "customer"]),
        ({"customer": {"email": "bukan email"}}, ["body", "customer", "email"]),
    ],
)
def test_invalid_order_is_422_and_writes_nothing(admin_api, overrides, loc):
    events = Event.objects.count()
    response = admin_api.put_json("/api/v1/orders/INV-1", order(**overrides))
    assert response.status_code == 422
    assert loc in [item["loc"][: len(loc)] for item in response.json()["detail"]]
    assert not Order.objects.exists()
    assert not Customer.objects.exists()
    assert Event.objects.count() == events


def test_tracking_number_of_another_order_is_a_conflict(admin_api):
    admin_api.put_json("/api/v1/orders/INV-1", order())
    response = admin_api.put_json("/api/v1/orders/INV-2", order())
    assert response.status_code == 409
    assert response.json()["code"] == "shipment_of_another_order"
    assert list(Order.objects.values_list("number", flat=True)) == ["INV-1"]


def test_agents_may_not_write_orders(agent_api):
    response = agent_api.put_json("/api/v1/orders/INV-1", order())
    assert response.status_code == 403
    assert not Order.objects.exists()
    assert not Customer.objects.exists()


def test_identical_put_writes_no_event_and_items_only_change_is_saved(admin_api):
    """Re-sending the same order changes nothing; a change of items alone is stored."""
    admin_api.put_json("/api/v1/orders/INV-1", order())
    events = Event.objects.filter(verb="order.updated").count()
    admin_api.put_json("/api/v1/orders/INV-1", order())
    assert Event.objects.filter(verb="order.updated").count() == events
    new_items = [
        {"sku": "BK-002", "name": "Bumi Manusia", "quantity": 1, "unit_price_minor": 99000}
    ]
    admin_api.put_json("/api/v1/orders/INV-1", order(items=new_items))
    assert Order.objects.get().items[0]["name"] == "Bumi Manusia"
    assert Event.objects.filter(verb="order.updated").count() == events + 1

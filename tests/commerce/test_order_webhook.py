"""POST /hooks/orders/: the signed order webhook for shops without an API token."""

import json
import time
from typing import Any

import pytest

from sapa.commerce.models import Order
from sapa.core.models import Event
from sapa.customers.models import Customer
from sapa.webhooks.signing import signature

pytestmark = pytest.mark.django_db

SECRET = "rahasia-toko-123"
URL = "/hooks/orders/"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.SAPA_ORDER_WEBHOOK_SECRETS = ["lama-yang-dirotasi", SECRET]
    settings.SAPA_ORDER_WEBHOOK_MAX_BYTES = 4096


def order(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "number": "TKP-778",
        "customer": {"name": "Dewi Lestari", "phone": "0813-1111-2222"},
        "status": "paid",
        "status_at": "2026-11-20T10:00:00+07:00",
        "total_minor": 250000,
        "placed_at": "2026-11-20T09:55:00+07:00",
    }
    body.update(overrides)
    return body


def send(client, raw: bytes, *, secret: str = SECRET, stamp: int | None = None, **headers: str):
    stamp = int(time.time()) if stamp is None else stamp
    signed = {
        "X-Sapa-Timestamp": str(stamp),
        "X-Sapa-Signature": signature(secret, stamp, raw),
        "Accept-Language": "en",
    }
    signed.update(headers)
    return client.post(URL, raw, content_type="application/json", headers=signed)


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def test_a_signed_order_is_created_like_the_api_does(client):
    response = send(client, encode(order()))
    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["number"], answer["status"], answer["outcome"]) == ("TKP-778", "paid", "created")
    customer = Customer.objects.get(pk=answer["customer_id"])
    assert list(customer.identities.values_list("value", flat=True)) == ["+6281311112222"]
    created = Event.objects.get(verb="order.created")
    assert (created.actor_kind, created.actor_label) == ("integration", "order-webhook")


def test_the_same_delivery_twice_changes_nothing_the_second_time(client):
    raw = encode(order())
    first = send(client, raw)
    events = Event.objects.count()
    second = send(client, raw)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["outcome"] == "unchanged"
    assert Event.objects.count() == events
    assert Order.objects.count() == 1


def test_a_late_delivery_is_stale(client):
    send(client, encode(order(status="shipped", status_at="2026-11-21T08:00:00+07:00")))
    response = send(client, encode(order()))
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["stale"]) == ("shipped", True)


def test_an_illegal_change_is_409(client):
    send(client, encode(order(status="cancelled")))
    response = send(client, encode(order(status="delivered", status_at="2026-11-22T08:00:00Z")))
    assert response.status_code == 409
    assert (response.json()["loc"], response.json()["from"], response.json()["to"]) == (
        ["body", "status"],
        "cancelled",
        "delivered",
    )


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        ({"X-Sapa-Signature": ""}, "signature_missing"),
        ({"X-Sapa-Timestamp": ""}, "signature_missing"),
        ({"X-Sapa-Signature": "sha256=" + "0" * 64}, "signature_invalid"),
        ({"X-Sapa-Timestamp": "kemarin"}, "signature_expired"),
    ],
)
def test_unsigned_or_forged_requests_are_401_and_write_nothing(client, tamper, code):
    response = send(client, encode(order()), **tamper)
    assert response.status_code == 401
    assert response.json()["code"] == code
    assert not Order.objects.exists()


def test_a_request_signed_with_another_secret_is_401(client):
    response = send(client, encode(order()), secret="tebakan")
    assert (response.status_code, response.json()["code"]) == (401, "signature_invalid")


def test_a_body_changed_after_signing_is_401(client):
    stamp = int(time.time())
    raw = encode(order())
    response = client.post(
        URL,
        encode(order(total_minor=1)),
        content_type="application/json",
        headers={"X-Sapa-Timestamp": str(stamp), "X-Sapa-Signature": signature(SECRET, stamp, raw)},
    )
    assert response.status_code == 401
    assert not Order.objects.exists()


def test_a_replay_older_than_five_minutes_is_401(client):
    response = send(client, encode(order()), stamp=int(time.time()) - 301)
    assert (response.status_code, response.json()["code"]) == (401, "signature_expired")
    assert response.json()["detail"] == (
        "The timestamp is not within five minutes of now; sign the request again."
    )
    assert not Order.objects.exists()


def test_malformed_json_is_400(client):
    for raw in (b"{not json", b"[1, 2]", b"\xff\xfe"):
        response = send(client, raw)
        assert response.status_code == 400
        assert response.json() == {
            "detail": "The request body is not a JSON object.",
            "code": "malformed_body",
        }


def test_a_body_over_the_limit_is_413(client):
    raw = encode(order(items=[{"name": "x" * 300}] * 20))
    response = send(client, raw)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Order.objects.exists()


def test_an_invalid_order_is_422_naming_the_field(client):
    response = send(client, encode(order(number="", total_minor=-5)))
    assert response.status_code == 422
    locs = [item["loc"] for item in response.json()["detail"]]
    assert ["body", "number"] in locs
    assert ["body", "total_minor"] in locs
    customer = send(client, encode(order(customer={"name": "Tanpa Kontak"})))
    assert customer.status_code == 422
    assert customer.json()["detail"][0]["loc"] == ["body", "customer"]


def test_the_webhook_is_off_without_a_secret(client, settings):
    settings.SAPA_ORDER_WEBHOOK_SECRETS = []
    response = send(client, encode(order()))
    assert (response.status_code, response.json()["code"]) == (404, "webhook_disabled")


def test_only_post_is_allowed(client):
    assert client.get(URL).status_code == 405

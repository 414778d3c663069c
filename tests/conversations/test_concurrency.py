"""The inbound road under concurrency: real threads, real database connections."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from sapa.conversations.models import Message, Ticket
from sapa.customers.models import Customer, Identity
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db(transaction=True)


def _post_all(admin_api: ApiClient, bodies: list[dict[str, Any]], workers: int) -> list[Any]:
    headers = {"authorization": f"Bearer {admin_api.token}"}

    def post(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        client = ApiClient(headers=headers)
        try:
            response = client.post_json("/api/v1/inbound", body)
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(post, bodies))


def test_200_concurrent_messages_from_20_customers(admin_api):
    """Exactly 200 messages, none twice, and each of the 20 customers created once."""
    # given
    bodies = [
        {
            "channel": "whatsapp" if c % 2 else "email",
            "external_id": f"msg-{c}-{m}",
            "from": {"name": f"Pelanggan {c}", "email": f"p{c}@example.com"}
            if c % 2 == 0
            else {"name": f"Pelanggan {c}", "phone": f"+62812000{c:05d}"},
            "text": f"pesan {m} dari pelanggan {c}",
        }
        for m in range(10)
        for c in range(20)
    ]
    # when
    results = _post_all(admin_api, bodies, workers=16)
    # then
    assert [status for status, _body in results] == [201] * 200
    assert Message.objects.count() == 200
    assert len({body["message_id"] for _status, body in results}) == 200
    assert Customer.objects.count() == 20
    assert Identity.objects.count() == 20
    per_customer = {body["customer_id"] for _status, body in results}
    assert len(per_customer) == 20
    # each customer's messages thread into one ticket (same channel, within the window)
    assert Ticket.objects.count() == 20
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 20
    assert min(numbers) >= 1001


def test_the_same_message_posted_concurrently_is_stored_once(admin_api):
    body = {
        "channel": "whatsapp",
        "external_id": "wamid.retry-storm",
        "from": {"phone": "081311112222"},
        "text": "halo",
    }
    results = _post_all(admin_api, [body] * 12, workers=12)
    statuses = sorted(status for status, _body in results)
    assert statuses == [200] * 11 + [201]
    assert len({body["message_id"] for _status, body in results}) == 1
    assert Message.objects.count() == 1
    assert Customer.objects.count() == 1


def test_one_new_number_on_phone_and_whatsapp_at_once_is_one_customer(admin_api):
    """The same number arriving as a phone call and a WhatsApp message at the same moment."""
    bodies = [
        {
            "channel": "whatsapp" if i % 2 else "phone",
            "external_id": f"race-{i}",
            "from": {"phone": "0813 9999 0000"},
            "text": "halo",
        }
        for i in range(12)
    ]
    results = _post_all(admin_api, bodies, workers=12)
    assert [status for status, _body in results] == [201] * 12
    assert Customer.objects.count() == 1
    assert Identity.objects.count() == 1

"""POST /api/v1/inbound: the generic entry for every channel."""

import base64
from typing import Any

import pytest
from django.test import override_settings

from sapa.conversations.models import Attachment, Message, Ticket
from sapa.core.models import Event
from sapa.customers.models import Customer, Identity

pytestmark = pytest.mark.django_db


def payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "whatsapp",
        "external_id": "wamid.HBgNNjI4MTIzNDU2Nzg5MA",
        "from": {"name": "Siti Rahma", "phone": "0812-3456-7890"},
        "text": "min, pesanan sy blm sampe, gmn ya?",
    }
    body.update(overrides)
    return body


def counts() -> dict[str, int]:
    return {
        "customers": Customer.objects.count(),
        "identities": Identity.objects.count(),
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
        "attachments": Attachment.objects.count(),
        "events": Event.objects.count(),
    }


def test_new_message_creates_customer_ticket_and_message(admin_api):
    """A first message from an unknown number opens a ticket for a new customer."""
    # when
    response = admin_api.post_json("/api/v1/inbound", payload())
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["created"] is True
    ticket = Ticket.objects.get(pk=body["ticket_id"])
    assert ticket.number == body["ticket_number"] >= 1001
    assert ticket.status == "new"
    assert ticket.origin_channel == "whatsapp"
    assert ticket.subject == "min, pesanan sy blm sampe, gmn ya?"
    customer = Customer.objects.get(pk=body["customer_id"])
    assert customer.name == "Siti Rahma"
    assert list(customer.identities.values_list("kind", "value")) == [
        ("whatsapp", "+6281234567890")
    ]
    message = Message.objects.get(pk=body["message_id"])
    assert (message.direction, message.channel, message.author_kind) == (
        "inbound",
        "whatsapp",
        "customer",
    )
    assert message.external_id == "wamid.HBgNNjI4MTIzNDU2Nzg5MA"
    received = Event.objects.get(verb="message.received")
    assert received.after["via"] == "integration:admin"  # which token handed it over
    assert received.actor_kind == "customer"


def test_same_external_id_twice_returns_same_ids_and_stores_once(admin_api):
    """Posting the same (channel, external_id) again gives 200, the same ids, nothing new."""
    # given
    first = admin_api.post_json("/api/v1/inbound", payload()).json()
    before = counts()
    # when
    again = admin_api.post_json("/api/v1/inbound", payload(text="different text"))
    # then
    assert again.status_code == 200
    assert again.json() == {**first, "created": False}
    assert counts() == before


def test_same_external_id_on_another_channel_is_another_message(admin_api):
    """External ids are unique per channel, not globally."""
    admin_api.post_json("/api/v1/inbound", payload())
    response = admin_api.post_json(
        "/api/v1/inbound", payload(channel="telegram", **{"from": {"handle": "55501"}})
    )
    assert response.status_code == 201
    assert Message.objects.count() == 2


def test_follow_up_within_window_joins_the_open_ticket(admin_api):
    """A second message from the same customer on the same channel threads into the ticket."""
    first = admin_api.post_json("/api/v1/inbound", payload()).json()
    second = admin_api.post_json(
        "/api/v1/inbound", payload(external_id="wamid.2", text="halo min??")
    ).json()
    assert second["ticket_id"] == first["ticket_id"]
    assert second["customer_id"] == first["customer_id"]
    assert Ticket.objects.count() == 1


def test_email_and_whatsapp_with_known_number_are_one_customer(admin_api):
    """An email that names a phone number already seen on WhatsApp resolves to that customer."""
    wa = admin_api.post_json("/api/v1/inbound", payload()).json()
    mail = admin_api.post_json(
        "/api/v1/inbound",
        payload(
            channel="email",
            external_id="<abc@mail.example>",
            subject="Pesanan INV-1001",
            **{"from": {"email": "Siti@Example.com", "phone": "+62 812 3456 7890"}},
        ),
    ).json()
    assert mail["customer_id"] == wa["customer_id"]
    assert mail["ticket_id"] != wa["ticket_id"]  # another channel: its own ticket
    assert set(Identity.objects.values_list("kind", "value")) == {
        ("whatsapp", "+6281234567890"),
        ("email", "siti@example.com"),
    }


def test_attachments_are_stored_with_checksum(admin_api):
    content = b"%PDF-1.4 bukti transfer"
    response = admin_api.post_json(
        "/api/v1/inbound",
        payload(
            attachments=[
                {
                    "name": "../../bukti transfer.pdf",
                    "content_type": "application/pdf",
                    "content": base64.b64encode(content).decode(),
                }
            ]
        ),
    )
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.filename == "../../bukti transfer.pdf"
    assert attachment.size_bytes == len(content)
    assert ".." not in attachment.file.name
    assert attachment.file.read() == content


def test_html_is_sanitised_and_text_derived(admin_api):
    """HTML from outside loses scripts and handlers; text comes from it when missing."""
    response = admin_api.post_json(
        "/api/v1/inbound",
        payload(
            text="",
            html="<p>Halo <b>min</b></p><img src=x onerror=alert(1)><script>alert(2)</script>",
        ),
    )
    message = Message.objects.get(pk=response.json()["message_id"])
    assert "script" not in message.html
    assert "onerror" not in message.html
    assert "<b>min</b>" in message.html
    assert message.text == "Halo min"


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"from": {"email": "bukan-email"}}, ["body", "from", "email"]),
        ({"from": {"phone": "12"}}, ["body", "from", "phone"]),
        ({"from": {"name": "Tanpa Alamat"}}, ["body", "from"]),
        ({"channel": "fax"}, ["body", "channel"]),
        ({"external_id": ""}, ["body", "external_id"]),
        ({"text": "x" * 100_001}, ["body", "text"]),
        ({"text": "", "html": ""}, ["body", "text"]),
        ({"attachments": [{"name": "a.jpg", "content": "bukan base64!"}]},
         ["body", "attachments", 0, "content"]),
        ({"ticket_id": 999999}, ["body", "ticket_id"]),
        ({"sent_at": "2026-11-23T10:00:00"}, ["body", "sent_at"]),
    ],
)  # fmt: skip
def test_invalid_bodies_get_422_naming_the_field_and_write_nothing(admin_api, overrides, loc):
    before = counts()
    response = admin_api.post_json("/api/v1/inbound", payload(**overrides))
    assert response.status_code == 422
    assert loc in [item["loc"] for item in response.json()["detail"]]
    assert counts() == before


def test_attachment_over_the_limit_is_refused(admin_api, settings):
    settings.SAPA_MAX_ATTACHMENT_BYTES = 10
    before = counts()
    response = admin_api.post_json(
        "/api/v1/inbound",
        payload(attachments=[{"name": "a.bin", "content": base64.b64encode(b"x" * 11).decode()}]),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "attachments", 0, "content"]
    assert counts() == before


def test_body_over_the_size_limit_gets_422(admin_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    before = counts()
    response = admin_api.post_json("/api/v1/inbound", payload(text="y" * 5000))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]
    assert counts() == before


def test_malformed_json_is_a_clear_error(admin_api):
    before = counts()
    response = admin_api.post(
        "/api/v1/inbound", '{"channel": "email", ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_body"
    assert counts() == before


def test_without_token_401_and_nothing_written(client, db):
    before = counts()
    response = client.post("/api/v1/inbound", payload(), content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"
    assert counts() == before


def test_bad_token_401(client, db):
    response = client.post(
        "/api/v1/inbound",
        payload(),
        content_type="application/json",
        headers={"authorization": "Bearer sapa_not-a-real-token"},
    )
    assert response.status_code == 401


def test_agent_role_may_not_post_inbound(agent_api):
    """Inbound is for integrations (admin tokens); an agent's token gets 403."""
    before = counts()
    response = agent_api.post_json("/api/v1/inbound", payload())
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert counts() == before


def test_unknown_api_path_is_json_404(admin_api):
    response = admin_api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_wrong_method_is_405(admin_api):
    response = admin_api.delete("/api/v1/inbound")
    assert response.status_code == 405


def test_explicit_ticket_id_threads_the_senders_message(admin_api):
    first = admin_api.post_json("/api/v1/inbound", payload()).json()
    admin_api.patch_json(f"/api/v1/tickets/{first['ticket_id']}", {"status": "solved"})
    again = admin_api.post_json(
        "/api/v1/inbound",
        payload(external_id="wamid.later", ticket_id=first["ticket_id"], text="masih blm sampe"),
    )
    assert again.status_code == 201
    assert again.json()["ticket_id"] == first["ticket_id"]
    assert Ticket.objects.get(pk=first["ticket_id"]).status == "open"  # reopened


def test_explicit_ticket_id_of_another_customer_is_refused(admin_api):
    """A message is never filed into another customer's conversation by id alone."""
    theirs = admin_api.post_json("/api/v1/inbound", payload()).json()
    before = counts()
    response = admin_api.post_json(
        "/api/v1/inbound",
        payload(
            external_id="<other@mail>",
            channel="email",
            ticket_id=theirs["ticket_id"],
            **{"from": {"email": "orang.lain@example.com"}},
        ),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "ticket_id"]
    assert counts() == before


def test_in_reply_to_threads_a_reply_into_the_senders_ticket(admin_api):
    first = admin_api.post_json(
        "/api/v1/inbound",
        payload(channel="email", external_id="<a@mail>", **{"from": {"email": "a@example.com"}}),
    ).json()
    admin_api.patch_json(f"/api/v1/tickets/{first['ticket_id']}", {"status": "solved"})
    with override_settings(SAPA_THREAD_WINDOW_HOURS=0):  # only the header can thread it
        reply = admin_api.post_json(
            "/api/v1/inbound",
            payload(
                channel="email",
                external_id="<b@mail>",
                in_reply_to="<a@mail>",
                **{"from": {"email": "a@example.com"}},
            ),
        ).json()
    assert reply["ticket_id"] == first["ticket_id"]


def test_in_reply_to_another_customers_message_does_not_join_their_ticket(admin_api):
    """A header naming someone else's message never files this message into their ticket."""
    theirs = admin_api.post_json(
        "/api/v1/inbound",
        payload(channel="email", external_id="<x@mail>", **{"from": {"email": "x@example.com"}}),
    ).json()
    mine = admin_api.post_json(
        "/api/v1/inbound",
        payload(
            channel="email",
            external_id="<y@mail>",
            in_reply_to="<x@mail>",
            **{"from": {"email": "y@example.com"}},
        ),
    ).json()
    assert mine["ticket_id"] != theirs["ticket_id"]
    assert Ticket.objects.get(pk=theirs["ticket_id"]).messages.count() == 1

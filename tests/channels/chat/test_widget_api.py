"""The widget's HTTP endpoints: sessions that survive a return visit, messages into tickets,
origins, rate limits, uploads, and nothing of one visitor reaching another."""

from datetime import datetime

import pytest

from sapa.channels.chat.models import ChatVisitor
from sapa.conversations.actions import add_note, reply
from sapa.conversations.models import Message, Ticket, TicketStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.business_hours import JAKARTA
from tests.channels.chat.helpers import SHOP, Visitor, make_widget
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def widget():
    # Someone is at the console: no "we will answer later" notices.
    AgentFactory(username="online", console_seen_at=clock.now())
    return make_widget(bot_enabled=False)


def test_a_returning_visitor_continues_the_same_conversation(widget):
    first = Visitor(widget)
    assert first.open().status_code == 200
    assert first.session["conversation"] is None
    assert first.say("halo, mau tanya stok buku").status_code == 201
    ticket = Ticket.objects.get()
    assert ticket.origin_channel == "chat"

    again = Visitor(widget, token=first.token)
    assert again.open().status_code == 200
    texts = [m["text"] for m in again.session["conversation"]["messages"]]
    assert texts == ["halo, mau tanya stok buku"]
    again.say("ada yg baru?")
    assert Ticket.objects.count() == 1
    assert ticket.messages.count() == 2


def test_a_forged_or_foreign_token_starts_afresh_and_reads_nothing(widget):
    owner = Visitor(widget)
    owner.open()
    owner.say("nomor hp saya 081234567890")
    other_widget = make_widget(name="Other", allowed_origins=SHOP)
    stranger = Visitor(other_widget, token=owner.token)
    assert stranger.open().status_code == 200
    assert stranger.session["conversation"] is None
    assert stranger.token != owner.token

    forged = Visitor(widget, token=owner.token[:-2] + "xx")
    forged.open()
    assert forged.session["conversation"] is None
    assert forged.events().json()["events"][0]["type"] == "status"
    assert not [e for e in forged.events().json()["events"] if e["type"] == "message"]


def test_requests_without_a_valid_token_are_refused(widget):
    visitor = Visitor(widget, token="nonsense")
    response = visitor.say("halo")
    assert response.status_code == 401
    assert response.json()["code"] == "unknown_visitor"
    assert Message.objects.count() == 0


def test_other_sites_may_not_embed_the_widget(widget):
    evil = Visitor(widget, origin="https://evil.example")
    assert evil.open().status_code == 403
    good = Visitor(widget)
    good.open()
    # A good token used from another site's page is refused as well.
    thief = Visitor(widget, origin="https://evil.example", token=good.token)
    assert thief.say("halo").status_code == 403
    assert Visitor(widget, origin=SHOP).open().json()["widget"]["title"] == "Toko Buku Sapa"


def test_cors_preflight_and_headers_name_the_origin(widget, client):
    response = client.options("/chat/v1/messages", headers={"origin": SHOP})
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert "X-Sapa-Visitor" in response["Access-Control-Allow-Headers"]


def test_unknown_widget_key_is_404(client):
    response = client.post("/chat/v1/session", {"key": "wk_nope"}, content_type="application/json")
    assert response.status_code == 404


def test_malformed_json_gets_a_clear_error(widget):
    visitor = Visitor(widget)
    visitor.open()
    response = visitor.client.post(
        "/chat/v1/messages",
        "{not json",
        content_type="application/json",
        headers={"x-sapa-visitor": visitor.token},
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body"]
    assert visitor.say("x" * 5000).status_code == 400
    assert visitor.post("/chat/v1/messages", {"text": "hi"}).status_code == 400  # no client_id


def test_resending_the_same_client_id_stores_one_message(widget):
    visitor = Visitor(widget)
    visitor.open()
    for _ in range(2):
        response = visitor.post("/chat/v1/messages", {"text": "halo", "client_id": "same-1"})
        assert response.status_code == 201
    assert Message.objects.count() == 1


def test_visitors_are_rate_limited(widget, settings):
    settings.SAPA_CHAT_MESSAGES_PER_MINUTE = 3
    visitor = Visitor(widget)
    visitor.open()
    codes = [visitor.say(f"pesan {n}").status_code for n in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    assert Message.objects.count() == 3


def test_agent_replies_reach_the_visitor_but_notes_never_do(widget):
    visitor = Visitor(widget)
    visitor.open()
    visitor.say("halo")
    ticket = Ticket.objects.get()
    agent = AgentFactory(username="sari", first_name="Sari")
    reply(ticket, text="Halo kak, ada yang bisa dibantu?", actor=Actor.for_agent(agent))
    add_note(ticket, text="pelanggan ini sering komplain", actor=Actor.for_agent(agent))
    events = visitor.events().json()["events"]
    messages = [e["message"] for e in events if e["type"] == "message"]
    assert [(m["author"], m["name"], m["text"]) for m in messages] == [
        ("visitor", "", "halo"),
        ("agent", "Sari", "Halo kak, ada yang bisa dibantu?"),
    ]
    status = next(e for e in events if e["type"] == "status")
    assert status["status"] == TicketStatus.OPEN


def test_prechat_details_are_kept_unverified_and_never_join_another_customer(widget):
    owner = Visitor(widget)
    owner.open()
    owner.say("halo")
    from sapa.customers.models import Customer, Identity

    existing = Customer.objects.create(name="Rina")
    Identity.objects.create(customer=existing, kind="email", value="rina@example.com")
    impostor = Visitor(widget)
    impostor.open()
    response = impostor.post(
        "/chat/v1/profile",
        {"name": "Rina", "email": "Rina@Example.com", "whatsapp": "0812-3456-7890"},
    )
    assert response.status_code == 200
    assert response.json()["visitor"] == {
        "name": "Rina",
        "email": "rina@example.com",
        "whatsapp": "+6281234567890",
    }
    impostor.say("lihat tiket saya dong")
    ticket = Ticket.objects.get(messages__text="lihat tiket saya dong")
    assert ticket.customer_id != existing.pk
    bad = impostor.post("/chat/v1/profile", {"email": "not-an-email"})
    assert bad.status_code == 400
    assert bad.json()["detail"][0]["loc"][-1] == "email"


def test_uploads_are_checked_by_size_and_content(widget):
    visitor = Visitor(widget)
    visitor.open()
    headers = {"x-sapa-visitor": visitor.token}
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = SimpleUploadedFile("bukti.png", PNG, content_type="image/png")
    response = visitor.client.post(
        "/chat/v1/attachments", {"file": good, "client_id": "f1"}, headers=headers
    )
    assert response.status_code == 201
    attachment = response.json()["message"]["attachments"][0]
    assert attachment["is_image"] is True
    assert visitor.client.get(attachment["url"]).status_code == 200
    # The link works only for the file it was made for.
    assert visitor.client.get(attachment["url"].replace("?t=", "?t=x")).status_code == 404

    fake = SimpleUploadedFile("virus.png", b"MZ\x90\x00" * 10, content_type="image/png")
    response = visitor.client.post(
        "/chat/v1/attachments", {"file": fake, "client_id": "f2"}, headers=headers
    )
    assert response.status_code == 415
    widget.max_upload_bytes = 10
    widget.save()
    big = SimpleUploadedFile("besar.png", PNG, content_type="image/png")
    response = visitor.client.post(
        "/chat/v1/attachments", {"file": big, "client_id": "f3"}, headers=headers
    )
    assert response.status_code == 413
    assert Message.objects.count() == 1


def test_outside_opening_hours_the_visitor_is_told_when_we_answer(widget):
    widget.business_hours = "mon-fri 08:00-17:00"
    widget.save()
    saturday_night = datetime(2026, 11, 28, 21, 0, tzinfo=JAKARTA)
    with clock.frozen_at(saturday_night):
        visitor = Visitor(widget)
        assert visitor.open().json()["availability"]["online"] is False
        visitor.say("halo, mau retur")
        visitor.say("halo?")
    notices = Message.objects.filter(meta__notice="when_answered")
    assert notices.count() == 1
    assert "Senin 08:00" in notices.get().text


def test_a_closed_conversation_is_followed_by_a_new_one(widget):
    visitor = Visitor(widget)
    visitor.open()
    visitor.say("halo")
    ticket = Ticket.objects.get()
    from sapa.conversations.actions import set_status

    set_status(ticket, status=TicketStatus.CLOSED, actor=Actor.system("test"))
    visitor.say("saya mau tanya lagi")
    assert Ticket.objects.count() == 2
    assert ChatVisitor.objects.get().current_ticket_id != ticket.pk

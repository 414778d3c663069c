"""A whole WhatsApp conversation, end to end: a customer writes (a signed webhook), the bot
answers with its menu as a WhatsApp list, the customer picks "Cek status pesanan" and gives
the order number, the bot (having verified the number is the buyer's) tells where the order
is; a day later an agent's free-form reply is refused in the console and an approved
template goes out instead. Real commits; the worker's tasks run in-process."""

from datetime import datetime, timedelta

import pytest
from django.test import Client

from sapa.accounts.models import Role
from sapa.bot.config import BotSettingsChanges, save_settings
from sapa.bot.models import MenuAction, MenuNode
from sapa.channels.kinds import IdentityKind
from sapa.channels.messages import Address
from sapa.channels.whatsapp.message_templates import sync_templates
from sapa.commerce.actions import OrderData, ShipmentData, TrackingEvent, upsert_order
from sapa.conversations.models import AuthorKind, DeliveryStatus, Direction, Message, Ticket
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.business_hours import JAKARTA
from sapa.customers.models import Customer
from tests.channels.whatsapp.payloads import envelope, message, post, status, text, wamid
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db(transaction=True)

PLACED = datetime(2026, 11, 18, 10, 0, tzinfo=JAKARTA)
SYSTEM = Actor.system("test")


def bot_texts(after: int = 0) -> list[str]:
    return list(
        Message.objects.filter(author_kind=AuthorKind.BOT, pk__gt=after)
        .order_by("pk")
        .values_list("text", flat=True)
    )


@pytest.fixture
def shop(account, graph):
    """The bot on WhatsApp, an order of the customer's number, and an approved template."""
    save_settings(
        BotSettingsChanges(
            enabled=True,
            channels=("chat", "whatsapp"),
            handoff_team_id=None,
            vip_tag="",
            business_hours="",
            reply_minutes=60,
        ),
        actor=SYSTEM,
    )
    upsert_order(
        OrderData(
            number="20077",
            customer_addresses=(
                Address(IdentityKind.EMAIL, "rina.kusuma@gmail.com"),
                Address(IdentityKind.PHONE, "+6281234567890"),
            ),
            customer_name="Rina Kusuma",
            status="shipped",
            total_minor=150000,
            currency="IDR",
            placed_at=PLACED,
            shipments=(
                ShipmentData(
                    carrier="jne",
                    tracking_number="JP1234567890",
                    status="in_transit",
                    events=(
                        TrackingEvent(
                            at=PLACED + timedelta(days=2),
                            status="in_transit",
                            description="Paket diterima di gudang transit",
                            location="Jakarta",
                        ),
                    ),
                ),
            ),
        ),
        actor=SYSTEM,
    )
    graph.templates = [
        {
            "id": "778899",
            "name": "kabar_pesanan",
            "language": "id",
            "status": "APPROVED",
            "category": "UTILITY",
            "components": [
                {"type": "BODY", "text": "Halo {{1}}, ada kabar tentang pesanan {{2}}."}
            ],
        }
    ]
    sync_templates(account, actor=SYSTEM)
    return account


def test_customer_bot_order_status_then_a_template_after_the_window(shop, graph):
    # The conversation took place a day and more ago; the agent comes to it now.
    with clock.frozen_at(clock.now() - timedelta(hours=25)):
        ticket = _conversation_with_the_bot(graph)
    agent = AgentFactory(username="ani", role=Role.ADMIN, language="en")
    console = Client()
    console.force_login(agent)
    page = console.get(f"/tickets/{ticket.pk}/")
    assert "Send a WhatsApp template" in page.text
    assert "more than 24 hours ago" in page.text
    newest = Message.objects.filter(direction=Direction.INBOUND).latest("pk").pk
    refused = console.post(
        f"/tickets/{ticket.pk}/reply/",
        {"text": "Halo kak, paketnya sudah sampai?", "seen_message_id": newest},
    )
    assert refused.status_code == 422
    assert "too long ago for a free-form reply" in refused.text
    outbound = Message.objects.filter(direction=Direction.OUTBOUND, author_kind=AuthorKind.AGENT)
    assert not outbound.exists()
    template_id = shop.templates.get(name="kabar_pesanan").pk
    sent = console.post(
        f"/tickets/{ticket.pk}/whatsapp-template/",
        {"template": template_id, "parameter_0": "Rina", "parameter_1": "20077"},
    )
    assert sent.status_code == 302
    last = graph.sent()[-1]
    assert last["type"] == "template"
    assert last["template"]["name"] == "kabar_pesanan"
    assert last["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": "Rina"},
        {"type": "text", "text": "20077"},
    ]
    stored = outbound.get()
    assert stored.text == "Halo Rina, ada kabar tentang pesanan 20077."
    assert stored.delivery_status == DeliveryStatus.SENT


def _conversation_with_the_bot(graph) -> Ticket:
    webhook = Client()
    # 1. The customer says hello: the bot answers with its menu, sent as a WhatsApp list.
    assert post(webhook, envelope(messages=[text("halo kak")])).status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.customer_id == Customer.objects.get(identities__value="rina.kusuma@gmail.com").pk
    (menu,) = graph.sent()
    assert menu["to"] == "6281234567890"
    assert menu["type"] == "interactive"
    assert menu["interactive"]["type"] == "list"
    rows = menu["interactive"]["action"]["sections"][0]["rows"]
    order_node = MenuNode.objects.get(menu="chat", action=MenuAction.ORDER_STATUS)
    order_row = next(r for r in rows if r["id"] == f"menu:{order_node.pk}")
    assert order_row["title"] == "1. Cek status pesanan"
    menu_message = Message.objects.get(author_kind=AuthorKind.BOT)
    assert menu_message.delivery_status == DeliveryStatus.SENT
    post(webhook, envelope(statuses=[status(menu_message.external_id, "read")]))
    menu_message.refresh_from_db()
    assert menu_message.meta["provider_status"]["status"] == "read"

    # 2. They pick "Cek status pesanan" from the list: the bot asks for the order number.
    seen = Message.objects.latest("pk").pk
    choice = {"type": "list_reply", "list_reply": order_row}
    post(webhook, envelope(messages=[message("interactive", choice)]))
    (asked,) = bot_texts(after=seen)
    assert "JP1234567890" not in asked
    assert graph.sent()[-1]["type"] == "text"

    # 3. They give it: their WhatsApp number is the buyer's, so the bot tells the status.
    seen = Message.objects.latest("pk").pk
    post(webhook, envelope(messages=[text("pesanan 20077")]))
    (answer,) = bot_texts(after=seen)
    assert "20077" in answer
    assert "Paket diterima di gudang transit" in answer
    assert "JP1234567890" in answer
    assert graph.sent()[-1]["text"]["body"] == answer
    assert Ticket.objects.count() == 1
    return ticket


def test_a_message_is_kept_when_the_bot_turn_fails(shop, graph, monkeypatch):
    """A failing bot turn never loses the customer's stored message."""
    from sapa.bot import engine

    def broken(*args, **kwargs):
        raise RuntimeError("the bot fell over")

    monkeypatch.setattr(engine, "respond", broken)
    assert post(Client(), envelope(messages=[text("halo", id=wamid())])).status_code == 200
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 1
    assert graph.sent() == []

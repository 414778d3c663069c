"""The bot's dialogue through the chat widget: order status only after verification, help
answers with a link, hand-off with a note, and silence once a person is on the ticket."""

from datetime import datetime, timedelta

import pytest

from sapa.bot.engine import respond
from sapa.bot.models import BotConversation, BotState, MenuAction, MenuNode
from sapa.channels.kinds import IdentityKind
from sapa.channels.messages import Address
from sapa.commerce.actions import OrderData, ShipmentData, TrackingEvent, upsert_order
from sapa.conversations.actions import reply
from sapa.conversations.models import AuthorKind, Direction, Message, Ticket
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.business_hours import JAKARTA
from sapa.customers.models import Customer, Identity
from tests.channels.chat.helpers import Visitor, make_widget
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db

PLACED = datetime(2026, 11, 18, 10, 0, tzinfo=JAKARTA)


@pytest.fixture
def widget():
    AgentFactory(username="online", console_seen_at=clock.now())
    return make_widget()


@pytest.fixture
def order():
    return _make_order("10045")


def _make_order(number: str):
    order, _created = upsert_order(
        OrderData(
            number=number,
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
        actor=Actor.system("test"),
    )
    return order


def bot_texts(after: int = 0) -> list[str]:
    return list(
        Message.objects.filter(
            author_kind=AuthorKind.BOT, direction=Direction.OUTBOUND, pk__gt=after
        )
        .order_by("pk")
        .values_list("text", flat=True)
    )


def test_order_status_is_told_only_after_verification(widget, order):
    visitor = Visitor(widget)
    visitor.open()
    visitor.say("min pesanan 10045 udh sampe mana ya?")
    asked = bot_texts()
    assert len(asked) == 1
    assert "10045" not in asked[0]
    assert "transit" not in asked[0].lower()
    conversation = BotConversation.objects.get()
    assert conversation.state == BotState.VERIFY

    last = Message.objects.latest("pk").pk
    visitor.say("rina.kusuma@gmail.com")
    answer = bot_texts(after=last)
    assert len(answer) == 1
    assert "10045" in answer[0]
    assert "Paket diterima di gudang transit" in answer[0]
    assert "JP1234567890" in answer[0]


def test_a_wrong_email_reveals_nothing_and_two_wrong_tries_hand_over(widget, order):
    visitor = Visitor(widget)
    visitor.open()
    visitor.say("cek pesanan 10045 dong")
    visitor.say("orang.lain@gmail.com")
    wrong = bot_texts()[-1]
    visitor.say("pesanan 99999")  # an order that does not exist
    visitor.say("saya@contoh.com")
    texts = " ".join(bot_texts())
    assert "transit" not in texts.lower()
    assert "JP1234567890" not in texts
    # The unknown order got the same answer as the wrong email: nothing to learn from it.
    assert wrong in texts
    conversation = BotConversation.objects.get()
    assert conversation.state == BotState.HANDED_OFF
    assert conversation.handoff_reason == "verification"


def test_the_customer_who_owns_the_order_needs_no_extra_check(order):
    from tests.builders import inbound

    result = inbound("pesanan 10045 sudah dikirim belum?", email="rina.kusuma@gmail.com")
    turn = respond(result.message_id)
    assert turn.intent == "order_status"
    assert "JP1234567890" in bot_texts()[-1]


def test_asking_for_a_person_hands_over_with_a_note_and_the_bot_goes_quiet(widget, order):
    team = TeamFactory(slug="cs", name="Tim CS")
    widget.team = team
    widget.save()
    visitor = Visitor(widget)
    visitor.open()
    visitor.say("pesanan 10045 kok lama ya")
    visitor.say("mau ngomong sama orang aja")
    ticket = Ticket.objects.get()
    conversation = BotConversation.objects.get()
    assert conversation.state == BotState.HANDED_OFF
    assert ticket.team == team
    assert ticket.tags.filter(name="bot-handoff").exists()
    note = ticket.messages.get(direction=Direction.NOTE)
    assert "10045" in note.text
    assert "mau ngomong sama orang aja" in note.text
    told = bot_texts()[-1]
    assert "Tim CS" in told

    before = Message.objects.count()
    last = Message.objects.latest("pk").pk
    visitor.say("halo?")
    assert Message.objects.count() == before + 1  # the customer's only: the bot is quiet

    agent = AgentFactory(username="sari")
    reply(ticket, text="Halo kak, saya Sari", actor=Actor.for_agent(agent))
    visitor.say("oke kak")
    assert Message.objects.filter(author_kind=AuthorKind.BOT, pk__gt=last).count() == 0


def test_the_menu_is_offered_on_a_greeting_and_a_typed_key_follows_it(widget):
    root = MenuNode.objects.create(menu="chat", label="Menu", action=MenuAction.MENU)
    MenuNode.objects.create(
        menu="chat", parent=root, key="3", position=3, label="Pembayaran",
        action=MenuAction.ANSWER, text="Kami menerima transfer bank, QRIS dan COD.",
    )  # fmt: skip
    visitor = Visitor(widget)
    visitor.open()
    visitor.say("halo kak")
    greeting = Message.objects.filter(author_kind=AuthorKind.BOT).latest("pk")
    assert greeting.meta["buttons"][0]["label"] == "3. Pembayaran"
    visitor.say("3")
    assert bot_texts()[-1] == "Kami menerima transfer bank, QRIS dan COD."


def test_two_answers_the_bot_cannot_give_hand_over(widget):
    visitor = Visitor(widget)
    visitor.open()
    visitor.say("siapa juara liga champions tahun lalu?")
    visitor.say("cuaca di bandung besok gimana")
    conversation = BotConversation.objects.get()
    assert conversation.state == BotState.HANDED_OFF
    assert conversation.handoff_reason == "misses"


def test_a_vip_customer_goes_to_a_person_at_once():
    from sapa.core.models import Tag
    from tests.builders import inbound

    customer = Customer.objects.create(name="Bu Dewi")
    Identity.objects.create(customer=customer, kind="email", value="dewi@example.com")
    customer.tags.add(Tag.objects.create(name="vip"))
    result = inbound("cara retur buku gimana ya", email="dewi@example.com")
    turn = respond(result.message_id)
    assert turn.handed_off is True
    assert BotConversation.objects.get().handoff_reason == "vip"


def test_a_bare_number_finds_the_shops_prefixed_order_when_only_one_fits():
    from tests.builders import inbound

    _make_order("INV-20077")
    result = inbound("pesanan 20077 sudah dikirim belum?", email="rina.kusuma@gmail.com")
    respond(result.message_id)
    assert "INV-20077" in bot_texts()[-1]

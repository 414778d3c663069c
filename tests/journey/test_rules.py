"""The rules that move customers along the journey, applied by the journey handler after
commit to what really happens: messages, tags, signals and orders."""

import pytest
from django.test import override_settings

from sapa.channels.kinds import Channel
from sapa.commerce.models import OrderStatus
from sapa.conversations.actions import tag_ticket
from sapa.conversations.models import Ticket
from sapa.core.actors import Actor
from sapa.customers.actions import update_customer
from sapa.customers.models import Customer
from sapa.journey.actions import SignalData, record_signal, set_stage_by_hand
from sapa.journey.models import SignalKind, StageTransition
from sapa.journey.rules import has_intent_phrase, is_question
from tests.builders import inbound
from tests.factories import AgentFactory
from tests.journey.conftest import SHOP, jakarta, place_order

pytestmark = pytest.mark.django_db


def stage_of(customer_id: int) -> str:
    return Customer.objects.get(pk=customer_id).lifecycle_stage


def history(customer_id: int) -> list[tuple[str, str, str]]:
    return list(
        StageTransition.objects.filter(customer_id=customer_id)
        .order_by("at", "pk")
        .values_list("from_stage", "to_stage", "source")
    )


@pytest.mark.parametrize(
    "text",
    [
        "stok buku Laskar Pelangi masih ready kak?",
        "harganya berapa kak?",
        "halo kak, ada buku Laskar Pelangi edisi hard cover?",
        "Hi, do you ship to Singapore? how much is it?",
        "ongkir ke medan brp",
    ],
)
def test_questions_before_buying_read_as_questions(text):
    """Price, stock, shipping-cost and availability questions, also behind a greeting."""
    assert is_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "halo kak",
        "halo kak, mau tanya",
        "makasih kak",
        "min pesanan 10045 blm sampe",
        "kecewa banget barangnya rusak",
        "cuaca besok gimana",
    ],
)
def test_greetings_complaints_and_chit_chat_are_not_questions(text):
    assert not is_question(text)


def test_buying_phrases_after_slang_expansion():
    assert has_intent_phrase("oke kak, aku checkout skrg ya")
    assert has_intent_phrase("sy mw order 2 ya kak")
    assert has_intent_phrase("Kami ingin membeli 25 eksemplar")
    assert not has_intent_phrase("mau tanya pesanan saya")


def test_pre_sale_question_moves_a_new_contact_to_consideration(at):
    """An inbound question from someone who has not bought: consideration, by the rule
    presale_question, the ticket and the question as the reason."""
    with at(jakarta(3, 2)):
        result = inbound("stok buku Bumi Manusia masih ada kak?", channel=Channel.WHATSAPP,
                         email=None, phone="0812 1111 2222")  # fmt: skip
    assert stage_of(result.customer_id) == "consideration"
    transition = StageTransition.objects.get(customer_id=result.customer_id)
    number = Ticket.objects.get(pk=result.ticket_id).number
    assert (transition.from_stage, transition.source) == ("awareness", "rule:presale_question")
    assert transition.reason == f"#{number}: stok buku Bumi Manusia masih ada kak?"
    assert transition.at == jakarta(3, 2)


def test_greeting_alone_leaves_a_contact_in_awareness(at):
    with at(jakarta(3, 2)):
        result = inbound("halo kak", email="ani@example.com")
    assert stage_of(result.customer_id) == "awareness"
    assert history(result.customer_id) == []


def test_buying_phrase_moves_straight_to_preference(at):
    with at(jakarta(3, 2)):
        result = inbound("mau pesan 3 buku ini kak, totalnya berapa?", email="b@example.com")
    assert history(result.customer_id) == [("awareness", "preference", "rule:purchase_intent")]


def test_pre_sale_tag_moves_the_ticket_customer_to_consideration(at):
    """A ticket tagged with a tag of SAPA_JOURNEY_PRESALE_TAGS."""
    agent = AgentFactory()
    with at(jakarta(3, 2)):
        result = inbound("halo", email="c@example.com")
    with override_settings(SAPA_JOURNEY_PRESALE_TAGS=["tanya-stok"]), at(jakarta(3, 2, 11)):
        tag_ticket(Ticket.objects.get(pk=result.ticket_id), add=["tanya-stok"],
                   actor=Actor.for_agent(agent))  # fmt: skip
    assert history(result.customer_id) == [("awareness", "consideration", "rule:presale_tag")]


def test_other_tags_change_nothing(at):
    agent = AgentFactory()
    with at(jakarta(3, 2)):
        result = inbound("halo", email="c@example.com")
        tag_ticket(Ticket.objects.get(pk=result.ticket_id), add=["pengiriman"],
                   actor=Actor.for_agent(agent))  # fmt: skip
    assert stage_of(result.customer_id) == "awareness"


def test_signal_moves_to_preference_once(at):
    """A cart from the shop: preference; the same signal again records nothing."""
    with at(jakarta(3, 2)):
        result = inbound("halo", email="d@example.com")
    customer = Customer.objects.get(pk=result.customer_id)
    data = SignalData(kind=SignalKind.CART, at=jakarta(3, 3), value_minor=250_000,
                      external_id="cart-77")  # fmt: skip
    with at(jakarta(3, 3)):
        first, created = record_signal(customer, data, actor=SHOP)
        again, created_again = record_signal(customer, data, actor=SHOP)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert history(customer.pk) == [("awareness", "preference", "rule:shop_signal")]


def test_orders_make_purchase_then_repurchase_and_cancelled_ones_do_not_count(at):
    with at(jakarta(3, 2)):
        place_order("INV-1", email="e@example.com", status=OrderStatus.CANCELLED)
    customer = Customer.objects.get()
    assert customer.lifecycle_stage == "awareness"
    with at(jakarta(3, 3)):
        place_order("INV-2", email="e@example.com", status=OrderStatus.PLACED)
    assert stage_of(customer.pk) == "purchase"
    with at(jakarta(3, 9)):
        place_order("INV-3", email="e@example.com", status=OrderStatus.DELIVERED)
    assert [to for _from, to, _source in history(customer.pk)] == ["purchase", "repurchase"]


def test_rules_never_move_a_customer_back(at):
    """A buyer asking a pre-sale question, or tagged pre-sale, stays a buyer."""
    agent = AgentFactory()
    with at(jakarta(3, 2)):
        place_order("INV-1", email="f@example.com")
    with at(jakarta(3, 5)):
        result = inbound("harganya berapa kak?", email="f@example.com")
        tag_ticket(Ticket.objects.get(pk=result.ticket_id), add=["pre-sale"],
                   actor=Actor.for_agent(agent))  # fmt: skip
    assert stage_of(result.customer_id) == "purchase"
    assert len(history(result.customer_id)) == 1


def test_after_a_stage_set_by_hand_rules_only_move_forward(at):
    """Set back by hand, the customer stays there through questions, and moves on again
    with the next order."""
    agent = AgentFactory()
    with at(jakarta(3, 2)):
        place_order("INV-1", email="g@example.com")
    customer = Customer.objects.get()
    with at(jakarta(3, 3)):
        set_stage_by_hand(customer, stage="consideration", reason="Order was a test",
                          actor=Actor.for_agent(agent))  # fmt: skip
    with at(jakarta(3, 4)):
        inbound("mau beli lagi kak, stoknya ada?", email="g@example.com")
    assert stage_of(customer.pk) == "preference"
    with at(jakarta(3, 6)):
        place_order("INV-2", email="g@example.com")
    assert history(customer.pk) == [
        ("awareness", "purchase", "system:shop"),
        ("purchase", "consideration", f"agent:{agent.pk}"),
        ("consideration", "preference", "rule:purchase_intent"),
        ("preference", "repurchase", "system:shop"),
    ]


def test_internal_customers_questions_move_nothing(at):
    with at(jakarta(3, 2)):
        result = inbound("halo", email="joko@toko.example")
    update_customer(Customer.objects.get(pk=result.customer_id), is_internal=True, actor=SHOP)
    with at(jakarta(3, 3)):
        inbound("stok buku X masih ada?", email="joko@toko.example")
    assert stage_of(result.customer_id) == "awareness"


def test_automatic_replies_move_nothing(at):
    """An out-of-office answer that happens to say "mau pesan" is not the customer."""
    text = "Saya sedang cuti sampai Senin. Mau pesan buku? Hubungi toko kami."
    assert has_intent_phrase(text)
    with at(jakarta(3, 2)):
        result = inbound(text, email="h@example.com", auto_reply="auto-replied")
    assert stage_of(result.customer_id) == "awareness"

"""What the conditions see of a ticket: the mailbox an email came to, the chat widget a
chat came from, the language, VIP, the latest order, the status period."""

import pytest

from sapa.automations.facts import load_facts
from sapa.bot.models import BotSettings
from sapa.channels.chat.actions import open_session, visitor_says
from sapa.channels.chat.config import WidgetSettings, save_widget
from sapa.channels.email.models import Mailbox
from sapa.commerce.models import Order
from sapa.conversations.actions import set_status
from sapa.conversations.models import Message, Ticket, TicketStatus
from sapa.core.actors import Actor
from sapa.core.clock import now
from sapa.core.models import Event
from sapa.customers.actions import set_customer_tags
from tests.builders import inbound

pytestmark = pytest.mark.django_db


def test_an_emails_mailbox_and_the_customers_words_and_orders():
    """The mailbox comes from the message; the language from its words; the order value
    from the customer's latest order; VIP from the bot's VIP tag."""
    # given: a mail to a mailbox from a customer with two orders and the "langganan" tag
    mailbox = Mailbox.objects.create(address="cs@toko.test", name="CS")
    result = inbound(
        "Hello, where is my order? It has not arrived.",
        email="jane@example.com",
        subject="Late order",
        meta={"email": {"mailbox_id": mailbox.pk}},
    )
    ticket = Ticket.objects.get(pk=result.ticket_id)
    customer = ticket.customer
    Order.objects.create(
        number="A-1", customer=customer, status="paid", total_minor=900_000,
        placed_at=now().replace(year=2025),
    )  # fmt: skip
    Order.objects.create(
        number="A-2", customer=customer, status="paid", total_minor=120_000, placed_at=now()
    )
    BotSettings.objects.update_or_create(pk=1, defaults={"vip_tag": "langganan"})
    set_customer_tags(customer, names=["langganan"], actor=Actor.system("test"))

    # when
    facts = load_facts(ticket)

    # then
    assert (facts.channel, facts.mailbox_id, facts.widget_id) == ("email", mailbox.pk, None)
    assert (facts.subject, facts.language) == ("Late order", "en")
    assert facts.order_value == 120_000
    assert (facts.customer_tags, facts.is_vip) == (frozenset({"langganan"}), True)
    assert (facts.status, facts.status_marker, facts.intent) == ("new", 0, "")


def test_a_chats_widget_and_the_status_period():
    """A chat message names its widget; a status change starts a new period."""
    # given: a visitor of a widget writes
    widget = save_widget(WidgetSettings(name="Toko", bot_enabled=False), actor=Actor.system("t"))
    visitor = open_session(widget, token=None, lang="id")
    message = visitor_says(visitor, text="halo kak", client_id="c-1")
    ticket = message.ticket
    set_status(ticket, status=TicketStatus.PENDING, actor=Actor.system("test"))

    # when
    facts = load_facts(ticket, message=Message.objects.get(pk=message.pk), with_intent=True)

    # then
    changed = Event.objects.get(subject_id=ticket.pk, verb="ticket.status_changed")
    assert (facts.channel, facts.widget_id) == ("chat", widget.pk)
    assert (facts.status, facts.status_marker, facts.status_changed_at) == (
        "pending",
        changed.pk,
        changed.at,
    )
    assert facts.intent == "greeting"

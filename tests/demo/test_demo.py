"""The demo shop Toko Buku Sapa: what `load_demo` puts in the database tells the story."""

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from sapa.accounts.models import Agent, Team
from sapa.channels.kinds import IdentityKind
from sapa.commerce.models import Order, OrderStatus, Shipment
from sapa.conversations.models import Direction, Message, Ticket
from sapa.core import clock
from sapa.core.models import Event
from sapa.customers.models import Customer, MergeSuggestion
from sapa.demo.bookshop import DEMO_PASSWORD, STUCK_ORDER_NUMBER
from sapa.demo.loader import DemoSummary, load_demo
from sapa.demo.story import SHOP_TIMEZONE

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A Wednesday morning in Jakarta.
NOW = datetime(2026, 3, 11, 10, 30, tzinfo=SHOP_TIMEZONE)


@pytest.fixture(scope="module")
def summary(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """The demo, loaded once for this module's tests (which only read it) and rolled back
    after them. Argon2 takes most of a second per demo agent; a usable hash is enough here."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        with clock.frozen_at(NOW):
            loaded = load_demo()
        yield loaded
        transaction.set_rollback(True)


def local_day(days_ago: int) -> date:
    return NOW.date() - timedelta(days=days_ago)


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment, SHOP_TIMEZONE)


def rina() -> Customer:
    return Customer.objects.get(name="Rina Kurniawati")


def test_summary_counts_what_was_loaded(summary):
    """The summary reports the teams, agents, customers, tickets, messages and orders made."""
    assert summary.already_loaded is False
    assert (summary.teams, summary.agents, summary.customers, summary.tickets) == (3, 5, 13, 17)
    assert (summary.messages, summary.orders, summary.merge_suggestions) == (62, 10, 1)
    assert Customer.objects.count() == 13
    assert Ticket.objects.count() == 17
    assert Message.objects.count() == 62
    assert Order.objects.count() == 10
    assert summary.password == DEMO_PASSWORD == "sapa-demo-2026"


def test_three_teams_with_a_supervisor_and_agents_who_can_log_in(summary):
    """Three teams; the supervisor is in all of them, each agent in one or two; every demo
    agent logs in with the published password."""
    members = {
        team.name: sorted(team.agents.values_list("username", flat=True))
        for team in Team.objects.all()
    }
    assert members == {
        "Pembayaran": ["putri", "sari", "wayan"],
        "Pesanan & Pengiriman": ["andi", "dimas", "sari"],
        "Produk": ["dimas", "sari", "wayan"],
    }
    roles = dict(Agent.objects.values_list("username", "role"))
    assert roles == {
        "sari": "supervisor",
        "andi": "agent",
        "putri": "agent",
        "dimas": "agent",
        "wayan": "agent",
    }
    assert all(agent.check_password(DEMO_PASSWORD) for agent in Agent.objects.all())
    assert [login.username for login in summary.logins] == [
        "sari",
        "andi",
        "putri",
        "dimas",
        "wayan",
    ]


def test_customers_are_known_by_addresses_on_several_channels(summary):
    """Customers have identities of every kind the channels use, most of them more than one."""
    kinds_by_customer = {
        customer.name: sorted(customer.identities.values_list("kind", flat=True))
        for customer in Customer.objects.all()
    }
    all_kinds = {kind for kinds in kinds_by_customer.values() for kind in kinds}
    assert all_kinds == {
        IdentityKind.EMAIL,
        IdentityKind.PHONE,
        IdentityKind.WHATSAPP,
        IdentityKind.TELEGRAM,
        IdentityKind.CHAT_VISITOR,
    }
    assert sum(len(kinds) >= 2 for kinds in kinds_by_customer.values()) == 10
    assert kinds_by_customer["Siti Rahmawati"] == ["chat_visitor", "email", "phone"]
    assert kinds_by_customer["Agus Wijaya"] == ["email", "phone", "telegram"]


def test_orders_are_in_every_status(summary):
    """Every OrderStatus occurs, with totals in rupiah (integer, no minor unit)."""
    statuses = dict(Order.objects.values_list("number", "status"))
    assert set(statuses.values()) == set(OrderStatus.values)
    assert statuses[STUCK_ORDER_NUMBER] == OrderStatus.IN_TRANSIT
    stuck = Order.objects.get(number=STUCK_ORDER_NUMBER)
    assert (stuck.total_minor, stuck.currency) == (632_000, "IDR")
    assert [item["name"] for item in stuck.items] == [
        "Bumi Manusia — Pramoedya Ananta Toer",
        "Anak Semua Bangsa — Pramoedya Ananta Toer",
        "Jejak Langkah — Pramoedya Ananta Toer",
        "Rumah Kaca — Pramoedya Ananta Toer",
    ]


def test_stuck_parcel_has_not_moved_since_cakung_six_days_ago(summary):
    """The stuck order's JNE shipment is in transit; its last scan, at the Cakung hub, is six
    days old."""
    shipment = Shipment.objects.get(order__number=STUCK_ORDER_NUMBER)
    assert (shipment.carrier, shipment.status) == ("JNE", "in_transit")
    last = shipment.events.order_by("-at").first()
    assert last is not None
    assert (last.description, last.location) == ("Paket transit di Hub Cakung", "Jakarta Timur")
    assert last.at == shipment.last_event_at
    assert local(last.at) == datetime(2026, 3, 5, 3, 12, tzinfo=SHOP_TIMEZONE)
    assert shipment.events.count() == 4


def test_stuck_parcel_customer_is_one_customer_on_every_channel(summary):
    """Rina asked on WhatsApp, called twice and wrote an email: four tickets, both her
    orders, one customer."""
    customer = rina()
    channels = list(
        customer.tickets.order_by("created_at").values_list("origin_channel", flat=True)
    )
    assert channels == ["whatsapp", "phone", "phone", "email"]
    assert sorted(customer.orders.values_list("number", flat=True)) == ["INV-10112", "INV-10398"]
    assert customer.lifecycle_stage == "repurchase"
    assert list(customer.tags.values_list("name", flat=True)) == ["vip"]
    calls = Message.objects.filter(ticket__customer=customer, channel="phone").order_by(
        "created_at"
    )
    assert [call.text[:25] for call in calls] == [
        "Telepon masuk (3 menit): ",
        "Telepon masuk (6 menit): ",
    ]
    assert [local(call.created_at).date() for call in calls] == [local_day(3), local_day(1)]
    assert {call.author_customer_id for call in calls} == {customer.pk}


def test_replies_to_a_phone_call_go_out_by_email(summary):
    """A call cannot be answered on the phone channel: the follow-up went to Rina's email."""
    call_ticket = rina().tickets.filter(origin_channel="phone").order_by("created_at").first()
    assert call_ticket is not None
    replies = call_ticket.messages.filter(direction=Direction.OUTBOUND)
    assert list(replies.values_list("channel", "to_address")) == [
        ("email", "rina.kurniawati@example.com")
    ]


def test_rina_writes_first_on_whatsapp_and_is_answered_politely(summary):
    """Her first message opens the WhatsApp ticket at its own time; the agent apologises."""
    ticket = rina().tickets.get(origin_channel="whatsapp")
    first = ticket.messages.order_by("created_at").first()
    assert first is not None
    assert first.text.startswith("min, pesanan sy INV-10398 blm sampe, gmn ya?")
    assert local(first.created_at) == datetime(2026, 3, 6, 9, 12, tzinfo=SHOP_TIMEZONE)
    answer = ticket.messages.filter(direction=Direction.OUTBOUND).order_by("created_at").first()
    assert answer is not None
    assert answer.text.startswith("Halo Kak Rina, mohon maaf atas ketidaknyamanannya")
    andi = Agent.objects.get(username="andi")
    assert (answer.author_agent, ticket.assignee, ticket.status) == (andi, andi, "pending")


def test_tickets_cover_channels_statuses_tags_and_priorities(summary):
    """Tickets arrived on seven channels and are in every state a queue shows."""
    tickets = Ticket.objects.all()
    assert set(tickets.values_list("origin_channel", flat=True)) == {
        "whatsapp",
        "email",
        "chat",
        "telegram",
        "phone",
        "walkin",
        "web",
    }
    assert set(tickets.values_list("status", flat=True)) == {
        "new",
        "open",
        "pending",
        "solved",
        "closed",
    }
    assert set(tickets.values_list("priority", flat=True)) == {"low", "normal", "high", "urgent"}
    tags = set(tickets.values_list("tags__name", flat=True))
    assert {"pengiriman", "pembayaran", "retur", "refund", "vip", "pre-sale"} <= tags
    assert tickets.filter(assignee__isnull=True).count() == 1
    by_direction = dict(
        Message.objects.values_list("direction").annotate(count=Count("pk")).order_by()
    )
    assert by_direction == {"inbound": 27, "outbound": 22, "note": 13}


def test_customers_write_casual_indonesian(summary):
    """The familiar questions are there, as customers type them."""
    texts = list(Message.objects.filter(direction=Direction.INBOUND).values_list("text", flat=True))
    for expected in (
        "min, pesanan sy INV-10398 blm sampe, gmn ya?",
        "kak udh tf tp blm dikonfirmasi, pesanan INV-10502",
        "halo kak, ada buku Laskar Pelangi edisi hard cover?",
        "Makasih min, bukunya udh sampe 🙏",
    ):
        assert sum(text.startswith(expected) for text in texts) == 1, expected


def test_one_customer_writes_in_english(summary):
    """Sarah asks in English, her profile says so, and she is answered in English."""
    sarah = Customer.objects.get(name="Sarah Johnson")
    assert sarah.language == "en"
    ticket = sarah.tickets.get()
    assert ticket.subject == "Shipping to Singapore?"
    replies = ticket.messages.filter(direction=Direction.OUTBOUND).order_by("created_at")
    assert [reply.text.split(",")[0] for reply in replies] == ["Hi Sarah", "You're welcome"]


def test_web_form_naming_two_customers_suggests_a_merge(summary):
    """Dewi's web form carries her email (old record) and new number (WhatsApp record):
    Sapa suggests merging the two and merges nothing."""
    suggestion = MergeSuggestion.objects.get()
    pair = {suggestion.customer.name, suggestion.other.name}
    assert pair == {"Dewi Anggraini", "Dewi A."}
    assert suggestion.status == "open"
    assert Customer.objects.filter(merged_into__isnull=False).count() == 0
    web_ticket = Ticket.objects.get(origin_channel="web", customer__name="Dewi Anggraini")
    assert web_ticket.subject == "Refund pesanan INV-10245 belum masuk"


def test_warehouse_colleague_is_an_internal_customer(summary):
    """The warehouse writes to support like a customer and is marked internal."""
    internal = list(Customer.objects.filter(is_internal=True).values_list("name", flat=True))
    assert internal == ["Joko Susilo (Gudang Cikarang)"]


def test_history_is_spread_over_three_weeks_and_replayed_in_order(summary):
    """Events run from four weeks back (staff) to just now; ticket numbers follow arrival
    time; agents replied within office hours."""
    event_times = list(Event.objects.order_by("at").values_list("at", flat=True))
    assert local(event_times[0]) == datetime(2026, 2, 11, 9, 0, tzinfo=SHOP_TIMEZONE)
    assert local_day(28) == date(2026, 2, 11)
    assert event_times[-1] < NOW
    tickets = list(Ticket.objects.order_by("created_at").values_list("number", "created_at"))
    numbers = [number for number, _ in tickets]
    assert len(numbers) == 17
    assert numbers == sorted(numbers)  # consecutive on SQLite; a sequence may skip on PostgreSQL
    assert local(tickets[0][1]).date() == local_day(12)
    assert NOW - tickets[-1][1] == timedelta(minutes=40)
    reply_hours = {
        local(created_at).hour
        for created_at in Message.objects.filter(direction=Direction.OUTBOUND).values_list(
            "created_at", flat=True
        )
    }
    assert min(reply_hours) >= 8
    assert max(reply_hours) <= 16

"""The per-customer journey summary: kept true by every road, and the same when rebuilt
from scratch."""

import pytest
from django.core.management import call_command

from sapa.channels.kinds import Channel
from sapa.commerce.models import OrderStatus
from sapa.core.actors import Actor
from sapa.customers.actions import merge_customers, update_customer
from sapa.customers.models import Customer
from sapa.journey.models import CustomerJourney
from sapa.journey.summary import refresh_journeys
from tests.builders import inbound
from tests.factories import AgentFactory, CustomerFactory
from tests.journey.conftest import jakarta, place_order

pytestmark = pytest.mark.django_db


def rows() -> list[dict[str, object]]:
    return list(CustomerJourney.objects.order_by("customer_id").values())


def test_first_contact_is_the_earliest_ticket_or_the_shop(at):
    """Wrote on WhatsApp before ordering: whatsapp. Ordered before writing: api."""
    with at(jakarta(3, 1)):
        wa = inbound("halo", channel=Channel.WHATSAPP, email=None, phone="0812 3333 4444")
        place_order("INV-1", email="late@example.com")
    with at(jakarta(3, 2)):
        place_order("INV-2", phone="0812 3333 4444")
        inbound("paket saya sudah dikirim?", email="late@example.com")
    first = CustomerJourney.objects.get(customer_id=wa.customer_id)
    later = CustomerJourney.objects.exclude(customer_id=wa.customer_id).get()
    assert (first.first_contact_channel, first.first_contact_at) == ("whatsapp", jakarta(3, 1))
    assert (later.first_contact_channel, later.first_contact_at) == ("api", jakarta(3, 1))


def test_orders_count_and_revenue_leave_cancelled_ones_out(at):
    with at(jakarta(3, 1)):
        place_order("INV-1", email="a@example.com", total_minor=120_000)
    with at(jakarta(3, 2)):
        place_order("INV-2", email="a@example.com", total_minor=80_000)
    with at(jakarta(3, 3)):
        place_order("INV-2", email="a@example.com", total_minor=80_000,
                    status=OrderStatus.CANCELLED, placed_at=jakarta(3, 2))  # fmt: skip
    journey = CustomerJourney.objects.get()
    assert (journey.orders_count, journey.revenue_minor) == (1, 120_000)
    assert journey.first_order_at == jakarta(3, 1)
    # Rules never go back: the customer stays a repeat buyer, though one order was cancelled.
    assert (journey.stage, journey.repurchase_at) == ("repurchase", jakarta(3, 2))


def test_rebuilding_from_scratch_gives_the_same_rows(at):
    """What the actions and the handler keep, the SQL rebuild computes again (both roads
    are one statement), also after the table was emptied."""
    agent = Actor.for_agent(AgentFactory())
    with at(jakarta(3, 1)):
        a = inbound("stok buku X ada kak?", channel=Channel.CHAT, email="a@example.com")
        place_order("INV-1", email="b@example.com")
    with at(jakarta(3, 2)):
        place_order("INV-2", email="a@example.com")
        place_order("INV-3", email="b@example.com", status=OrderStatus.DELIVERED)
    from sapa.journey.actions import set_stage_by_hand

    with at(jakarta(3, 3)):
        set_stage_by_hand(Customer.objects.get(pk=a.customer_id), stage="consideration",
                          reason="test order", actor=agent)  # fmt: skip
    maintained = rows()
    CustomerJourney.objects.all().delete()
    call_command("journey", "rebuild")
    rebuilt = rows()
    for row in (*maintained, *rebuilt):
        row.pop("updated_at")
    assert rebuilt == maintained
    assert len(rebuilt) == 2


def test_a_customer_no_event_reached_gets_a_row_on_rebuild():
    customer = CustomerFactory()
    refresh_journeys()
    journey = CustomerJourney.objects.get(customer=customer)
    assert (journey.stage, journey.first_contact_channel, journey.awareness_at) == (
        "awareness", "import", customer.created_at,
    )  # fmt: skip


def test_merged_customers_leave_the_report_and_their_history_follows(at):
    """The duplicate's row goes; the survivor counts both histories and both orders."""
    supervisor = Actor.for_agent(AgentFactory(role="supervisor"))
    with at(jakarta(3, 1)):
        first = inbound("harganya berapa kak?", email="one@example.com")
    with at(jakarta(3, 2)):
        place_order("INV-1", email="two@example.com", total_minor=70_000)
    duplicate = Customer.objects.get(identities__value="two@example.com")
    with at(jakarta(3, 3)):
        merge_customers(duplicate, into=Customer.objects.get(pk=first.customer_id),
                        actor=supervisor)  # fmt: skip
    journey = CustomerJourney.objects.get()
    assert journey.customer_id == first.customer_id
    assert (journey.stage, journey.orders_count, journey.revenue_minor) == ("purchase", 1, 70_000)
    assert (journey.consideration_at, journey.purchase_at) == (jakarta(3, 1), jakarta(3, 2))


def test_internal_customers_are_flagged(at):
    with at(jakarta(3, 1)):
        result = inbound("halo", email="gudang@toko.example")
        update_customer(Customer.objects.get(pk=result.customer_id), is_internal=True,
                        actor=Actor.system("test"))  # fmt: skip
    assert CustomerJourney.objects.get().is_internal is True

"""Logging a visit: it lands on the customer found by phone or email (the same person who
wrote on WhatsApp or by email), in their ticket and timeline, and its outcome and promise
are applied through the ticket's own actions."""

from datetime import timedelta

import pytest

from sapa.channels.kinds import Channel
from sapa.channels.walkin.actions import Visitor, VisitRequest, log_visit
from sapa.channels.walkin.models import Visit, VisitOutcome
from sapa.conversations.models import Direction, Message, Priority, Ticket, TicketStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.core.models import Event
from sapa.customers.models import Customer, Identity
from sapa.promises.models import Promise
from tests.builders import inbound
from tests.channels.walkin.conftest import make_location
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def visit_of(
    store,
    visitor,
    *,
    outcome=VisitOutcome.FOLLOW_UP,
    text="Tanya stok novel Laskar Pelangi",
    **fields,
):
    return VisitRequest(location=store, visitor=visitor, text=text, outcome=outcome, **fields)


def test_a_visit_lands_on_the_customer_who_wrote_on_whatsapp_with_that_phone(store, clerk):
    # given: Budi wrote on WhatsApp from his number
    earlier = inbound("halo min", channel=Channel.WHATSAPP, email=None, phone="+6281234567890")
    # when: he walks into the store and the clerk types the number as he says it
    visit = log_visit(
        visit_of(store, Visitor(phone="0812-3456-7890")), actor=Actor.for_agent(clerk)
    )
    # then
    assert visit.customer_id == earlier.customer_id
    assert Customer.objects.count() == 1
    message = Message.objects.get(pk=visit.message_id)
    assert message.channel == Channel.WALKIN
    assert message.direction == Direction.INBOUND
    assert message.text == "Tanya stok novel Laskar Pelangi"
    assert message.meta == {
        "location": "JKT-01",
        "location_name": "Toko Grand Indonesia",
        "outcome": "follow_up",
        "logged_by": "kasir",
    }
    ticket = message.ticket
    assert ticket.origin_channel == Channel.WALKIN
    assert ticket.team_id == store.team_id
    assert ticket.pk != earlier.ticket_id


def test_a_visit_finds_the_customer_by_email_and_adds_the_phone_they_give(store, clerk):
    earlier = inbound("pesanan saya", email="Budi@Example.com")
    visit = log_visit(
        visit_of(store, Visitor(email="budi@example.com", phone="081234567890")),
        actor=Actor.for_agent(clerk),
    )
    assert visit.customer_id == earlier.customer_id
    kinds = set(
        Identity.objects.filter(customer_id=earlier.customer_id).values_list("kind", flat=True)
    )
    assert kinds == {"email", "phone"}


def test_a_new_customer_is_made_from_name_and_phone(store, clerk):
    visit = log_visit(
        visit_of(store, Visitor(name="Sari  Wulandari", phone="0813 1111 2222")),
        actor=Actor.for_agent(clerk),
    )
    customer = Customer.objects.get(pk=visit.customer_id)
    assert customer.name == "Sari Wulandari"
    assert list(customer.identities.values_list("kind", "value")) == [("phone", "+6281311112222")]


def test_a_picked_customer_gets_the_visit_even_without_typing_their_address(store, clerk):
    earlier = inbound("halo", email="rina@example.com", name="Rina")
    visit = log_visit(
        visit_of(store, Visitor(customer_id=earlier.customer_id)), actor=Actor.for_agent(clerk)
    )
    assert visit.customer_id == earlier.customer_id
    assert Message.objects.get(pk=visit.message_id).author_customer_id == earlier.customer_id


def test_a_visit_can_continue_an_open_ticket_of_the_customer(store, clerk):
    earlier = inbound("buku rusak", email="rina@example.com")
    visit = log_visit(
        visit_of(store, Visitor(customer_id=earlier.customer_id), ticket_id=earlier.ticket_id),
        actor=Actor.for_agent(clerk),
    )
    assert visit.ticket_id == earlier.ticket_id
    assert Ticket.objects.count() == 1


def test_a_resolved_visit_solves_its_ticket_on_the_clerks_behalf(store, clerk):
    visit = log_visit(
        visit_of(store, Visitor(phone="081234567890"), outcome=VisitOutcome.RESOLVED),
        actor=Actor.for_agent(clerk),
    )
    assert Ticket.objects.get(pk=visit.ticket_id).status == TicketStatus.SOLVED
    change = Event.objects.get(verb="ticket.status_changed", subject_id=visit.ticket_id)
    assert change.actor_label == "walkin:kasir"
    logged = Event.objects.get(verb="walkin.visit_logged")
    assert (logged.actor_agent_id, logged.after["outcome"]) == (clerk.pk, "resolved")


def test_a_complaint_raises_the_ticket_to_high_priority(store, clerk):
    visit = log_visit(
        visit_of(store, Visitor(phone="081234567890"), outcome=VisitOutcome.COMPLAINT),
        actor=Actor.for_agent(clerk),
    )
    ticket = Ticket.objects.get(pk=visit.ticket_id)
    assert (ticket.priority, ticket.status) == (Priority.HIGH, TicketStatus.NEW)


def test_an_agents_promise_at_the_counter_is_theirs(store, store_team):
    agent = AgentFactory(username="ani")
    agent.teams.add(store_team)
    due = clock.now() + timedelta(days=2)
    visit = log_visit(
        visit_of(
            store,
            Visitor(phone="081234567890"),
            promise_text="Telepon saat stok datang",
            promise_due=due,
        ),
        actor=Actor.for_agent(agent),
    )
    promise = Promise.objects.get()
    assert visit.promise_id == promise.pk
    assert (promise.owner_id, promise.created_by_id) == (agent.pk, agent.pk)
    assert promise.ticket_id == visit.ticket_id
    assert promise.text == "Telepon saat stok datang"


def test_a_clerks_promise_goes_to_the_stores_follow_up_owner(store_team, clerk):
    keeper = AgentFactory(username="back-office")
    keeper.teams.add(store_team)
    store = make_location(
        code="BDG", name="Toko Bandung", team_id=store_team.pk, follow_up_owner_id=keeper.pk
    )
    log_visit(
        visit_of(
            store,
            Visitor(phone="081234567890"),
            promise_text="Kirim katalog",
            promise_due=clock.now() + timedelta(days=1),
        ),
        actor=Actor.for_agent(clerk),
    )
    promise = Promise.objects.get()
    assert promise.owner_id == keeper.pk
    made = Event.objects.get(verb="promise.made")
    assert made.actor_label == "walkin:kasir"


def test_a_clerk_cannot_promise_where_nobody_follows_up_and_nothing_is_logged(store, clerk):
    request = visit_of(
        store,
        Visitor(phone="081234567890"),
        promise_text="Kirim katalog",
        promise_due=clock.now() + timedelta(days=1),
    )
    with pytest.raises(InvalidInput) as caught:
        log_visit(request, actor=Actor.for_agent(clerk))
    assert caught.value.loc == ["body", "promise_text"]
    assert Visit.objects.count() == 0
    assert Message.objects.count() == 0


def test_a_promise_in_the_past_is_refused_before_anything_is_written(store, clerk):
    agent = AgentFactory(username="ani")
    request = visit_of(
        store,
        Visitor(phone="081234567890"),
        promise_text="x",
        promise_due=clock.now() - timedelta(hours=1),
    )
    with pytest.raises(InvalidInput) as caught:
        log_visit(request, actor=Actor.for_agent(agent))
    assert caught.value.loc == ["body", "promise_due"]
    assert Message.objects.count() == 0


@pytest.mark.parametrize(
    ("visitor", "text", "outcome", "loc"),
    [
        (Visitor(phone="12"), "x", "resolved", ["body", "customer", "phone"]),
        (Visitor(email="not-an-email"), "x", "resolved", ["body", "customer", "email"]),
        (Visitor(name="Tanpa Kontak"), "x", "resolved", ["body", "customer", "phone"]),
        (Visitor(customer_id=999999), "x", "resolved", ["body", "customer_id"]),
        (Visitor(phone="081234567890"), "  ", "resolved", ["body", "text"]),
        (Visitor(phone="081234567890"), "x", "happy", ["body", "outcome"]),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(store, clerk, visitor, text, outcome, loc):
    with pytest.raises(InvalidInput) as caught:
        log_visit(
            visit_of(store, visitor, text=text, outcome=outcome), actor=Actor.for_agent(clerk)
        )
    assert caught.value.loc == loc
    assert Message.objects.count() == 0


def test_the_same_visit_key_twice_logs_one_visit(store, clerk):
    request = visit_of(store, Visitor(phone="081234567890"), key="form-abc123")
    first = log_visit(request, actor=Actor.for_agent(clerk))
    again = log_visit(request, actor=Actor.for_agent(clerk))
    assert first.pk == again.pk
    assert Visit.objects.count() == 1
    assert Message.objects.count() == 1


def test_a_switched_off_location_takes_no_visits(clerk):
    closed = make_location(code="OLD", name="Toko Lama", is_active=False)
    with pytest.raises(InvalidInput) as caught:
        log_visit(visit_of(closed, Visitor(phone="081234567890")), actor=Actor.for_agent(clerk))
    assert caught.value.loc == ["body", "location_code"]

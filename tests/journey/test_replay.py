"""Deriving stage histories from stored data, for history no handler saw (the demo loader,
imports)."""

import pytest
from django.core.management import call_command

from sapa.channels.kinds import Channel
from sapa.conversations.actions import tag_ticket
from sapa.conversations.models import Ticket
from sapa.core import clock, event_dispatch
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.customers.models import Customer
from sapa.journey.actions import set_stage_by_hand
from sapa.journey.models import CustomerJourney, StageTransition
from sapa.journey.replay import replay_journeys
from tests.builders import inbound
from tests.factories import AgentFactory
from tests.journey.conftest import jakarta, place_order

pytestmark = pytest.mark.django_db
CLI = Actor.system("cli")


def history(customer_id: int) -> list[tuple[str, str, str]]:
    return list(
        StageTransition.objects.filter(customer_id=customer_id)
        .order_by("at", "pk")
        .values_list("from_stage", "to_stage", "source")
    )


def test_replay_applies_the_rules_in_time_order():
    """A question, a pre-sale tag and two orders, stored with no handler running: the
    question makes consideration (the tag then changes nothing), the orders purchase and
    repurchase; the order count's own transitions are replaced by the rules'."""
    agent = Actor.for_agent(AgentFactory())
    with event_dispatch.suppressed():
        with clock.frozen_at(jakarta(3, 1)):
            result = inbound("harga buku Cantik Itu Luka berapa kak?", channel=Channel.WHATSAPP,
                             email=None, phone="0813 1234 5678")  # fmt: skip
        with clock.frozen_at(jakarta(3, 1, 11)):
            tag_ticket(Ticket.objects.get(pk=result.ticket_id), add=["pre-sale"], actor=agent)
        with clock.frozen_at(jakarta(3, 2)):
            place_order("INV-1", phone="0813 1234 5678")
        with clock.frozen_at(jakarta(3, 9)):
            place_order("INV-2", phone="0813 1234 5678")
    assert history(result.customer_id) == [
        ("awareness", "purchase", "system:shop"),
        ("purchase", "repurchase", "system:shop"),
    ]
    with clock.frozen_at(jakarta(3, 10)):
        assert replay_journeys([result.customer_id], actor=CLI) == 1
    assert history(result.customer_id) == [
        ("awareness", "consideration", "rule:presale_question"),
        ("consideration", "purchase", "rule:first_order"),
        ("purchase", "repurchase", "rule:repeat_order"),
    ]
    journey = CustomerJourney.objects.get(customer_id=result.customer_id)
    assert (journey.consideration_at, journey.purchase_at) == (jakarta(3, 1), jakarta(3, 2))
    assert Event.objects.filter(verb="journey.replayed").count() == 1
    # Nothing new to derive: a second replay changes nothing.
    assert replay_journeys([result.customer_id], actor=CLI) == 0


def test_replay_keeps_stages_set_by_hand():
    """A hand-set stage stays at its time; the rules go on from it, forward only."""
    agent = Actor.for_agent(AgentFactory())
    with event_dispatch.suppressed():
        with clock.frozen_at(jakarta(3, 1)):
            result = inbound("halo", email="a@example.com")
        with clock.frozen_at(jakarta(3, 2)):
            set_stage_by_hand(Customer.objects.get(pk=result.customer_id), stage="preference",
                              reason="Quote by phone", actor=agent)  # fmt: skip
        with clock.frozen_at(jakarta(3, 3)):
            inbound("ongkir ke Bandung berapa?", email="a@example.com")
    call_command("journey", "replay")
    assert history(result.customer_id) == [
        ("awareness", "preference", f"agent:{agent.agent.pk}"),
    ]
    assert Customer.objects.get(pk=result.customer_id).lifecycle_stage == "preference"

"""Routing rules: on a new or re-opened ticket the first matching rule (by position) sets
the team, priority and tags, and tells sapa.routing which skills the agent needs."""

import pytest

from sapa.accounts.models import Skill
from sapa.automations.models import AutomationRun, RuleKind
from sapa.automations.routing_rules import RoutingDecision, apply_routing_rules
from sapa.channels.kinds import Channel
from sapa.commerce.models import Order
from sapa.conversations.actions import set_status
from sapa.conversations.models import Ticket, TicketStatus
from sapa.core.actors import Actor
from sapa.core.clock import now
from sapa.core.models import Event
from tests.automations.rules import act, cond, make_rule
from tests.builders import inbound
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams():
    return {
        "bayar": TeamFactory(name="Pembayaran", slug="pembayaran"),
        "vip": TeamFactory(name="Prioritas", slug="prioritas"),
    }


def _rules(teams):
    Skill.objects.create(name="pembayaran")
    big = make_rule(
        RuleKind.ROUTING,
        name="Pesanan besar",
        conditions=[cond("order_value", "gte", "Rp1.000.000")],
        actions=[act("set_team", "Prioritas"), act("set_priority", "high")],
    )
    refund = make_rule(
        RuleKind.ROUTING,
        name="Refund",
        match="any",
        conditions=[
            cond("text", "contains_any", "refund"),
            cond("subject", "contains_any", "refund"),
        ],
        actions=[
            act("set_team", "Pembayaran"),
            act("add_tags", "refund"),
            act("required_skills", "pembayaran:3"),
        ],
    )
    return big, refund


def test_the_first_matching_rule_decides(teams):
    """The refund message matches the second rule only: team, tag and skills come from it."""
    # given
    _big, refund = _rules(teams)
    result = inbound(
        "min mau refund dong", channel=Channel.WHATSAPP, email=None, phone="+6281234567890"
    )
    ticket = Ticket.objects.get(pk=result.ticket_id)

    # when
    decision = apply_routing_rules(ticket, event_verb="ticket.created")

    # then
    assert decision == RoutingDecision(
        rule_id=refund.pk, rule_name="Refund", required_skills={"pembayaran": 3}
    )
    ticket.refresh_from_db()
    assert ticket.team == teams["bayar"]
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    changed = Event.objects.get(subject_id=ticket.pk, verb="ticket.team_changed")
    assert changed.actor_label == f"routing:{refund.pk}"
    run = AutomationRun.objects.get(ticket=ticket)
    created = Event.objects.get(subject_id=ticket.pk, verb="ticket.created")
    assert run.run_key == f"{refund.pk}:{ticket.pk}:{created.pk}"


def test_an_earlier_rule_wins_when_both_match(teams):
    """A big spender asking for a refund goes by the first rule (position order)."""
    # given: a customer whose latest order is over a million
    big, _refund = _rules(teams)
    result = inbound("refund ya kak", email="kaya@example.com")
    ticket = Ticket.objects.get(pk=result.ticket_id)
    Order.objects.create(
        number="INV-1",
        customer=ticket.customer,
        status="paid",
        total_minor=1_500_000,
        placed_at=now(),
    )

    # when
    decision = apply_routing_rules(ticket, event_verb="ticket.created")

    # then
    assert decision == RoutingDecision(rule_id=big.pk, rule_name="Pesanan besar")
    ticket.refresh_from_db()
    assert (ticket.team, ticket.priority) == (teams["vip"], "high")
    assert list(ticket.tags.all()) == []


def test_no_matching_rule_returns_none_and_changes_nothing(teams):
    """A question about sizes matches neither rule."""
    _rules(teams)
    ticket = Ticket.objects.get(pk=inbound("ukuran XL ada?", email="x@example.com").ticket_id)

    assert apply_routing_rules(ticket, event_verb="ticket.created") is None
    ticket.refresh_from_db()
    assert ticket.team is None
    assert AutomationRun.objects.count() == 0


def test_routing_once_per_arrival(teams):
    """Called twice for the same creation, the rule acts once but the decision is the same;
    a re-opening is a new arrival and routes again."""
    # given
    _big, refund = _rules(teams)
    ticket = Ticket.objects.get(pk=inbound("refund dong", email="r@example.com").ticket_id)
    first = apply_routing_rules(ticket, event_verb="ticket.created")

    # when: asked again for the same event
    again = apply_routing_rules(ticket, event_verb="ticket.created")

    # then
    assert again == first
    assert AutomationRun.objects.filter(rule=refund).count() == 1

    # when: solved, then the customer writes again
    set_status(ticket, status=TicketStatus.SOLVED, actor=Actor.system("test"))
    inbound("refund belum masuk", email="r@example.com", ticket_id=ticket.pk)
    ticket.refresh_from_db()
    apply_routing_rules(ticket, event_verb="ticket.reopened")

    # then
    assert AutomationRun.objects.filter(rule=refund).count() == 2


def test_inactive_rules_and_closed_tickets_are_not_routed(teams):
    """A switched-off rule is skipped; a closed ticket is never routed."""
    make_rule(
        RuleKind.ROUTING,
        name="Mati",
        is_active=False,
        actions=[act("set_team", "Pembayaran")],
    )
    ticket = Ticket.objects.get(pk=inbound("halo", email="m@example.com").ticket_id)
    assert apply_routing_rules(ticket, event_verb="ticket.created") is None

    make_rule(RuleKind.ROUTING, name="Semua", actions=[act("set_team", "Pembayaran")])
    set_status(ticket, status=TicketStatus.CLOSED, actor=Actor.system("test"))
    ticket.refresh_from_db()
    assert apply_routing_rules(ticket, event_verb="ticket.created") is None


def test_routing_rules_run_when_a_ticket_arrives(handled, teams):
    """Through the whole road: the inbound message commits, sapa.routing's handler asks the
    routing rules, and the ticket lands in the rule's team with its tag."""
    # given
    _big, refund = _rules(teams)

    # when
    with handled():
        result = inbound(
            "min mau refund dong", channel=Channel.WHATSAPP, email=None, phone="+6281234567890"
        )

    # then
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert ticket.team == teams["bayar"]
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    assert AutomationRun.objects.get(ticket=ticket).rule == refund

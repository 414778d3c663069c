"""Assignment by team policy, capacity, skills and presence, driven by real events: tickets
arrive through receive_inbound and the worker's handlers run inline (immediate queue)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from sapa.accounts.actions import AgentChanges, update_agent
from sapa.accounts.models import Presence
from sapa.accounts.presence import apply_inactivity, set_presence
from sapa.automations.routing_rules import RoutingDecision
from sapa.channels.kinds import Channel
from sapa.conversations.actions import assign_ticket, set_status
from sapa.conversations.models import Ticket, TicketStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.routing.actions import overflow_waiting
from sapa.routing.explain import describe
from sapa.routing.models import AssignmentPolicy, RoutingState, TicketRouting
from tests.builders import inbound
from tests.routing.conftest import SYSTEM

# Handlers run after commit, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def _chat(team, n: int, text: str = "halo min") -> Ticket:
    result = inbound(
        text, channel=Channel.WHATSAPP, email=None, phone=f"+62812000{n:05d}", team_id=team.pk
    )
    return Ticket.objects.select_related("assignee", "routing").get(pk=result.ticket_id)


def _why(explanation: dict) -> str:
    """The explanation as an English-speaking agent reads it."""
    with translation.override("en"):
        return describe(explanation)


def _needs(monkeypatch, skills: dict[str, int]) -> None:
    """Routing rules (sapa.automations) ask for `skills` on every new ticket."""
    monkeypatch.setattr(
        "sapa.routing.actions.apply_routing_rules",
        lambda ticket, *, event_verb: RoutingDecision(
            rule_id=1, rule_name="Pembayaran", required_skills=skills
        ),
    )


def test_a_new_ticket_goes_to_the_least_loaded_online_agent(make_team, make_agent):
    """Least-loaded: the agent with the lowest share of their capacity gets the ticket."""
    # given
    team = make_team(AssignmentPolicy.LEAST_LOADED)
    rina = make_agent("rina", team, capacity={"whatsapp": 2})
    andi = make_agent("andi", team, capacity={"whatsapp": 4})
    # when
    tickets = [_chat(team, n) for n in range(4)]
    # then: 0/2 vs 0/4 -> rina (first by pk); 1/2 vs 0/4 -> andi; 1/2 vs 1/4 -> andi;
    # 1/2 vs 2/4 -> the same share, fewer tickets -> rina
    assert [t.assignee for t in tickets] == [rina, andi, andi, rina]
    assert tickets[3].routing.state == RoutingState.ASSIGNED
    assert _why(tickets[3].routing.explanation) == ("Assigned to Rina: least loaded, 2/2 WhatsApp")


def test_round_robin_takes_turns_and_wraps(make_team, make_agent):
    """Round-robin gives tickets in agent order, starting again after the last."""
    team = make_team(AssignmentPolicy.ROUND_ROBIN)
    agents = [make_agent(name, team) for name in ("ani", "budi", "citra")]
    # when
    assignees = [_chat(team, n).assignee for n in range(5)]
    # then
    assert assignees == [agents[0], agents[1], agents[2], agents[0], agents[1]]


def test_skills_based_routing_picks_the_best_skill_match_with_room(
    make_team, make_agent, monkeypatch
):
    """Only agents with the required skill at the level asked qualify; the higher level wins,
    and a full agent is passed over."""
    # given
    _needs(monkeypatch, {"pembayaran": 3})
    team = make_team(AssignmentPolicy.SKILLS)
    make_agent("dewi", team, capacity={"whatsapp": 5}, skills={"retur": 5})
    make_agent("eko", team, capacity={"whatsapp": 5}, skills={"pembayaran": 2})
    rina = make_agent("rina", team, capacity={"whatsapp": 1}, skills={"pembayaran": 5})
    fajar = make_agent("fajar", team, capacity={"whatsapp": 5}, skills={"pembayaran": 3})
    # when
    first, second = _chat(team, 1), _chat(team, 2)
    # then
    assert first.assignee == rina
    assert second.assignee == fajar
    assert _why(first.routing.explanation) == (
        "Assigned to Rina: skill pembayaran (5), 1/1 WhatsApp"
    )
    event = Event.objects.get(verb="ticket.routed", subject_id=first.pk)
    assert event.actor_kind == "automation"
    assert event.after["skills"] == {"pembayaran": 5}


def test_a_ticket_waits_when_nobody_has_room_and_is_assigned_when_room_frees(make_team, make_agent):
    """At capacity the ticket queues (with why); solving a ticket frees room for it."""
    # given
    team = make_team()
    rina = make_agent("rina", team, capacity={"whatsapp": 1})
    first = _chat(team, 1)
    waiting = _chat(team, 2)
    assert waiting.assignee is None
    assert waiting.routing.state == RoutingState.QUEUED
    assert _why(waiting.routing.explanation) == "Waiting: nobody online in the team has room"
    # when
    set_status(first, status=TicketStatus.SOLVED, actor=Actor.for_agent(rina))
    # then
    waiting.refresh_from_db()
    assert waiting.assignee == rina


def test_away_and_offline_agents_get_nothing_until_they_come_online(make_team, make_agent):
    """Only online agents are given tickets; coming online takes the waiting ones."""
    team = make_team()
    rina = make_agent("rina", team, online=False)
    andi = make_agent("andi", team, online=False)
    set_presence(andi, Presence.AWAY, actor=Actor.for_agent(andi))
    ticket = _chat(team, 1)
    assert ticket.assignee is None
    # when
    set_presence(rina, Presence.ONLINE, actor=Actor.for_agent(rina))
    # then
    ticket.refresh_from_db()
    assert ticket.assignee == rina


def test_an_agent_going_offline_hands_their_open_tickets_to_an_online_colleague(
    make_team, make_agent
):
    """Re-assignment on offline: open tickets move; solved ones stay."""
    team = make_team(AssignmentPolicy.ROUND_ROBIN)
    rina = make_agent("rina", team)
    open_ticket = _chat(team, 1)
    andi = make_agent("andi", team)
    solved = _chat(team, 2)  # round-robin: andi
    assert (open_ticket.assignee, solved.assignee) == (rina, andi)
    third = _chat(team, 3)  # rina
    set_status(third, status=TicketStatus.SOLVED, actor=Actor.for_agent(rina))
    # when
    set_presence(rina, Presence.OFFLINE, actor=Actor.for_agent(rina))
    # then
    open_ticket.refresh_from_db()
    third.refresh_from_db()
    assert open_ticket.assignee == andi
    assert third.assignee == rina
    assigned = Event.objects.filter(verb="ticket.assigned", subject_id=open_ticket.pk)
    assert [e.after["assignee_id"] for e in assigned.order_by("pk")] == [rina.pk, None, andi.pk]


def test_a_deactivated_agent_hands_their_tickets_back(make_team, make_agent):
    team = make_team()
    rina = make_agent("rina", team, capacity={"whatsapp": 1})
    ticket = _chat(team, 1)
    andi = make_agent("andi", team)
    assert ticket.assignee == rina
    # when
    update_agent(
        rina,
        AgentChanges(
            role=rina.role,
            teams=(team,),
            language="id",
            capacity=rina.capacity,
            is_active=False,
        ),
        actor=SYSTEM,
    )
    # then
    ticket.refresh_from_db()
    assert ticket.assignee == andi


def test_a_manual_team_keeps_its_tickets_in_the_queue(make_team, make_agent):
    team = make_team(AssignmentPolicy.MANUAL)
    make_agent("rina", team)
    ticket = _chat(team, 1)
    assert ticket.assignee is None
    assert _why(ticket.routing.explanation) == (
        "Waiting in the team queue (the team assigns by hand)"
    )


def test_a_person_assigning_by_hand_makes_routing_step_aside(make_team, make_agent):
    """A manual assignment is kept (and explained); routing does not take it back."""
    team = make_team(AssignmentPolicy.MANUAL)
    rina = make_agent("rina", team)
    supervisor = make_agent("sari", team)
    ticket = _chat(team, 1)
    # when
    assign_ticket(ticket, assignee=rina, actor=Actor.for_agent(supervisor))
    # then
    routing = TicketRouting.objects.get(ticket=ticket)
    assert routing.state == RoutingState.ASSIGNED
    assert _why(routing.explanation) == "Assigned by sari"


def test_a_ticket_waiting_too_long_overflows_to_the_other_team_once(make_team, make_agent):
    # given: Pembayaran has nobody online; Umum has Andi
    umum = make_team(name="Umum", slug="umum")
    bayar = make_team(name="Pembayaran", slug="bayar", overflow_team=umum, overflow_after_minutes=5)
    make_agent("rina", bayar, online=False)
    andi = make_agent("andi", umum)
    ticket = _chat(bayar, 1)
    assert ticket.assignee is None
    # when: four minutes later nothing moves; six minutes later it overflows
    with clock.frozen_at(timezone.now() + timedelta(minutes=4)):
        assert overflow_waiting() == 0
    with clock.frozen_at(timezone.now() + timedelta(minutes=6)):
        assert overflow_waiting() == 1
        assert overflow_waiting() == 0
    # then
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (umum, andi)
    assert TicketRouting.objects.get(ticket=ticket).overflowed_from == bayar


def test_inactivity_makes_an_agent_away_then_offline_and_activity_brings_them_back(
    make_team, make_agent, settings
):
    from sapa.accounts.actions import mark_console_seen

    settings.SAPA_AWAY_AFTER_MINUTES, settings.SAPA_OFFLINE_AFTER_MINUTES = 10, 60
    team = make_team()
    rina = make_agent("rina", team)
    start = timezone.now()
    with clock.frozen_at(start):
        mark_console_seen(rina)
    # when / then
    with clock.frozen_at(start + timedelta(minutes=11)):
        assert [a.presence for a in apply_inactivity()] == [Presence.AWAY]
    with clock.frozen_at(start + timedelta(minutes=61)):
        assert [a.presence for a in apply_inactivity()] == [Presence.OFFLINE]
    rina.refresh_from_db()
    with clock.frozen_at(start + timedelta(minutes=62)):
        mark_console_seen(rina)
    rina.refresh_from_db()
    assert (rina.presence, rina.presence_automatic) == (Presence.ONLINE, False)


def test_an_agent_who_set_away_themself_is_not_woken_by_activity(make_team, make_agent):
    from sapa.accounts.actions import mark_console_seen

    team = make_team()
    rina = make_agent("rina", team)
    set_presence(rina, Presence.AWAY, actor=Actor.for_agent(rina))
    rina.refresh_from_db()
    # when
    with clock.frozen_at(timezone.now() + timedelta(minutes=5)):
        mark_console_seen(rina)
    # then
    rina.refresh_from_db()
    assert rina.presence == Presence.AWAY


def test_routing_the_same_event_twice_routes_once(make_team, make_agent):
    """A task that runs twice (a worker died before acknowledging) changes nothing more."""
    from sapa.routing.handlers import on_events

    team = make_team()
    make_agent("rina", team)
    ticket = _chat(team, 1)
    created = Event.objects.get(verb="ticket.created", subject_id=ticket.pk)
    events_before = Event.objects.count()
    # when
    on_events([created])
    # then
    assert Event.objects.count() == events_before


def test_the_ticket_page_says_why_the_ticket_went_to_its_agent(make_team, make_agent, client):
    team = make_team()
    rina = make_agent("rina", team, capacity={"whatsapp": 5})
    ticket = _chat(team, 1)
    rina.language = "en"
    rina.save(update_fields=["language"])
    client.force_login(rina)
    # when
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    # then
    assert "Assigned to Rina: least loaded, 1/5 WhatsApp" in page


def test_a_reopened_ticket_of_an_offline_agent_goes_to_an_online_colleague(make_team, make_agent):
    """The customer writes again after their ticket was solved; its agent has gone home."""
    team = make_team()
    rina = make_agent("rina", team)
    ticket = _chat(team, 1)
    set_status(ticket, status=TicketStatus.SOLVED, actor=Actor.for_agent(rina))
    set_presence(rina, Presence.OFFLINE, actor=Actor.for_agent(rina))
    andi = make_agent("andi", team)
    # when
    again = _chat(team, 1, text="min, ternyata masih belum sampai")
    # then
    assert again.pk == ticket.pk
    assert again.assignee == andi


def test_a_reopened_ticket_stays_with_its_online_agent(make_team, make_agent):
    team = make_team()
    rina = make_agent("rina", team)
    ticket = _chat(team, 1)
    set_status(ticket, status=TicketStatus.SOLVED, actor=Actor.for_agent(rina))
    make_agent("andi", team)
    # when
    again = _chat(team, 1, text="min, satu lagi")
    # then
    assert again.assignee == rina

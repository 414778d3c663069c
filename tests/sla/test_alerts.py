"""Warnings before a target is due and breaches after, each announced exactly once: an Event
on the ticket (for triggers and webhooks) and a notification to the people on it."""

import threading

import pytest
from django.db import connection
from django.utils import translation

from sapa.conversations.actions import assign_ticket
from sapa.conversations.models import Notification, NotificationKind
from sapa.conversations.ticket_timeline import ticket_timeline
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.sla.actions import record_due_breaches, send_due_warnings
from sapa.sla.models import SlaMetric
from sapa.sla.tasks import sweep_sla_clocks
from tests.factories import AgentFactory, TeamFactory
from tests.sla.conftest import clock_of, receive_at, wib

pytestmark = pytest.mark.django_db(transaction=True)


def _assigned_ticket():
    ticket = receive_at(wib(2026, 11, 23, 9, 0))  # Monday; first response due 13:00
    rina = AgentFactory(username="rina", first_name="Rina")
    with clock.frozen_at(wib(2026, 11, 23, 9, 5)):
        assign_ticket(ticket, assignee=rina, actor=Actor.system("test"))
    return ticket, rina


def test_the_assignee_is_warned_half_an_hour_before_and_told_of_the_breach(
    standard_policy, settings
):
    """Warned at 12:30 for a 13:00 first response, with the due time in words (in the site's
    language); breached at 13:00; each once however often the sweep runs."""
    # given
    settings.LANGUAGE_CODE = "en"
    ticket, rina = _assigned_ticket()
    first = clock_of(ticket, SlaMetric.FIRST_RESPONSE)
    # when
    early = send_due_warnings(now=wib(2026, 11, 23, 12, 29))
    warned = [send_due_warnings(now=wib(2026, 11, 23, 12, 31)) for _ in range(2)]
    breached = [record_due_breaches(now=wib(2026, 11, 23, 13, 1)) for _ in range(2)]
    # then
    assert (first.warn_at, early, warned, breached) == (
        wib(2026, 11, 23, 12, 30),
        0,
        [1, 0],
        [1, 0],
    )
    notes = Notification.objects.filter(agent=rina).order_by("pk")
    assert [(n.kind, n.detail, n.actor_name) for n in notes] == [
        (NotificationKind.ASSIGNED, "", "test"),
        (NotificationKind.SLA_WARNING, "First response: Mon 13:00 WIB", "sla"),
        (NotificationKind.SLA_BREACHED, "First response: Mon 13:00 WIB", "sla"),
    ]
    events = Event.objects.filter(
        verb__startswith="sla.", subject_type="ticket", subject_id=ticket.pk
    ).order_by("pk")
    assert [(e.verb, e.after["metric"], e.actor_kind) for e in events] == [
        ("sla.warning", "first_response", "automation"),
        ("sla.breached", "first_response", "automation"),
    ]
    assert clock_of(ticket, SlaMetric.FIRST_RESPONSE).breached_at == wib(2026, 11, 23, 13, 0)


def test_without_an_assignee_the_teams_agents_are_told(standard_policy):
    # given
    team = TeamFactory(name="Pengiriman", slug="pengiriman")
    dewi, andi = AgentFactory(username="dewi"), AgentFactory(username="andi")
    dewi.teams.add(team)
    andi.teams.add(team)
    ticket = receive_at(wib(2026, 11, 23, 9, 0), team_id=team.pk)
    # when
    record_due_breaches(now=wib(2026, 11, 23, 13, 0))
    # then
    told = Notification.objects.filter(ticket=ticket, kind=NotificationKind.SLA_BREACHED)
    assert sorted(n.agent.username for n in told) == ["andi", "dewi"]


def test_the_minute_sweep_warns_and_breaches_through_the_task(standard_policy):
    ticket, _rina = _assigned_ticket()
    with clock.frozen_at(wib(2026, 11, 23, 17, 0)):
        # the warning moment passed with the worker down: only the breach is announced
        assert sweep_sla_clocks.call_local() == (0, 1)
    assert Event.objects.filter(verb="sla.warning", subject_id=ticket.pk).count() == 0


def test_two_workers_sweeping_at_once_announce_a_breach_once(standard_policy):
    """Two threads sweep the same due clock at the same moment: one Event, one notification."""
    # given
    ticket, rina = _assigned_ticket()
    barrier = threading.Barrier(2)
    results: list[int] = []

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(record_due_breaches(now=wib(2026, 11, 23, 13, 5)))
        finally:
            connection.close()

    # when
    workers = [threading.Thread(target=sweep) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    # then
    assert sorted(results) == [0, 1]
    assert Event.objects.filter(verb="sla.breached", subject_id=ticket.pk).count() == 1
    assert Notification.objects.filter(agent=rina, kind=NotificationKind.SLA_BREACHED).count() == 1


def test_warnings_and_breaches_show_on_the_ticket_timeline(standard_policy):
    # given
    ticket, _rina = _assigned_ticket()
    send_due_warnings(now=wib(2026, 11, 23, 12, 45))
    record_due_breaches(now=wib(2026, 11, 23, 13, 0))
    # when
    with translation.override("en"):
        entries, _earlier = ticket_timeline(ticket)
        texts = [e.event_text for e in entries if e.event_text.startswith("SLA")]
    # then
    assert texts == [
        "SLA warning: First response due Mon 13:00 WIB",
        "SLA missed: First response was due Mon 13:00 WIB",
    ]

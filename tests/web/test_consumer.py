"""The console websocket: who hears about which ticket, and who may watch one."""

import asyncio

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from sapa.accounts.models import Role
from sapa.conversations.actions import Change, TicketChanges, change_ticket
from sapa.conversations.models import Ticket
from sapa.core.actors import Actor
from sapa.web.consumers import ConsoleConsumer
from tests.builders import inbound
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _connect(user):
    communicator = WebsocketCommunicator(ConsoleConsumer.as_asgi(), "/ws/console/")
    communicator.scope["user"] = user
    return communicator


async def _nothing_more(communicator) -> bool:
    return await communicator.receive_nothing(timeout=0.3)


def test_anonymous_connections_are_refused():
    async def scenario():
        communicator = _connect(AnonymousUser())
        connected, code = await communicator.connect()
        return connected, code

    connected, code = asyncio.run(scenario())
    assert connected is False
    assert code == 4401


def test_agents_hear_only_of_tickets_they_may_see():
    team_a = TeamFactory(slug="a")
    team_b = TeamFactory(slug="b")
    in_a = AgentFactory(username="ana", role=Role.AGENT)
    in_a.teams.add(team_a)
    in_b = AgentFactory(username="beni", role=Role.AGENT)
    in_b.teams.add(team_b)
    admin = AgentFactory(username="boss", role=Role.ADMIN)
    ticket = Ticket.objects.get(pk=inbound("halo", email="x@example.com").ticket_id)
    change_ticket(ticket, TicketChanges(team=Change(team_a)), actor=Actor.system("test"))

    async def scenario():
        a, b, boss = _connect(in_a), _connect(in_b), _connect(admin)
        for communicator in (a, b, boss):
            assert (await communicator.connect())[0]
        # a customer writes again on team A's ticket (actions publish on commit)
        from asgiref.sync import sync_to_async

        await sync_to_async(inbound)("masih blm sampe", email="x@example.com")
        heard_a = await a.receive_json_from(timeout=2)
        heard_boss = await boss.receive_json_from(timeout=2)
        b_silent = await _nothing_more(b)
        for communicator in (a, b, boss):
            await communicator.disconnect()
        return heard_a, heard_boss, b_silent

    heard_a, heard_boss, b_silent = asyncio.run(scenario())
    assert heard_a == {
        "type": "ticket.changed",
        "ticket_id": ticket.pk,
        "team_id": team_a.pk,
        "assignee_id": None,
        "kind": "message",
    }
    assert heard_boss["ticket_id"] == ticket.pk
    assert b_silent is True


def test_watching_needs_access_and_shares_presence():
    team_a = TeamFactory(slug="a")
    team_b = TeamFactory(slug="b")
    rina = AgentFactory(username="rina", first_name="Rina", role=Role.AGENT)
    rina.teams.add(team_a)
    andi = AgentFactory(username="andi", first_name="Andi", role=Role.AGENT)
    andi.teams.add(team_a)
    budi = AgentFactory(username="budi", role=Role.AGENT)
    budi.teams.add(team_b)
    ticket = Ticket.objects.get(pk=inbound("halo", email="y@example.com").ticket_id)
    change_ticket(ticket, TicketChanges(team=Change(team_a)), actor=Actor.system("test"))

    async def scenario():
        r, a, b = _connect(rina), _connect(andi), _connect(budi)
        for communicator in (r, a, b):
            assert (await communicator.connect())[0]
        await r.send_json_to({"type": "watch", "ticket_id": ticket.pk})
        await a.send_json_to({"type": "watch", "ticket_id": ticket.pk})
        seen_by_rina = await r.receive_json_from(timeout=2)  # Andi started viewing
        await a.send_json_to({"type": "presence", "state": "typing"})
        typing = await r.receive_json_from(timeout=2)
        await b.send_json_to({"type": "watch", "ticket_id": ticket.pk})
        refused = await b.receive_json_from(timeout=2)
        await b.send_json_to({"type": "presence", "state": "typing"})
        rina_hears_nothing_from_budi = await _nothing_more(r)
        for communicator in (r, a, b):
            await communicator.disconnect()
        return seen_by_rina, typing, refused, rina_hears_nothing_from_budi

    seen_by_rina, typing, refused, quiet = asyncio.run(scenario())
    assert (seen_by_rina["type"], seen_by_rina["agent_name"], seen_by_rina["state"]) == (
        "ticket.presence",
        "Andi",
        "viewing",
    )
    assert typing["state"] == "typing"
    assert refused == {"type": "error", "error": "ticket_not_found", "ticket_id": ticket.pk}
    assert quiet is True

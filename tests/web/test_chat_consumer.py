"""The console's websocket on a chat: what the visitor does reaches the agents watching the
ticket, and an open console counts its agent as online."""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from sapa.accounts.actions import mark_console_seen
from sapa.accounts.models import Agent, Role
from sapa.accounts.queries import any_agent_online
from sapa.conversations.models import Ticket
from sapa.conversations.realtime import send_to_groups, ticket_group
from sapa.core import clock
from sapa.web.consumers import ConsoleConsumer
from tests.builders import inbound
from tests.factories import AgentFactory, TeamFactory


def _connect(user):
    communicator = WebsocketCommunicator(ConsoleConsumer.as_asgi(), "/ws/console/")
    communicator.scope["user"] = user
    return communicator


@pytest.mark.django_db(transaction=True)
def test_the_visitors_typing_reading_and_page_reach_the_watching_agent():
    # given
    admin = AgentFactory(username="ayu", role=Role.ADMIN)
    ticket = Ticket.objects.get(pk=inbound("halo", email="v@example.com").ticket_id)
    group = ticket_group(ticket.pk)
    signals = [
        {"type": "chat.typing", "ticket_id": ticket.pk, "typing": True},
        {"type": "chat.read", "ticket_id": ticket.pk, "up_to": 42},
        {
            "type": "chat.page",
            "ticket_id": ticket.pk,
            "url": "https://tokobuku.example/buku/1",
            "title": "Buku",
        },
        # the visitor consumer's own, on the same group: ignored, never a crash
        {"type": "chat.seen", "up_to": 3},
        {"type": "chat.conversation"},
    ]

    async def scenario():
        console = _connect(admin)
        assert (await console.connect())[0]
        await console.send_json_to({"type": "watch", "ticket_id": ticket.pk})
        await console.receive_nothing(timeout=0.2)
        heard = []
        for signal in signals:
            await sync_to_async(send_to_groups)([group], signal)
        for _ in range(3):
            heard.append(await console.receive_json_from(timeout=2))
        quiet = await console.receive_nothing(timeout=0.3)
        await console.send_json_to({"type": "ping"})
        pong = await console.receive_json_from(timeout=2)
        await console.disconnect()
        return heard, quiet, pong

    # when
    heard, quiet, pong = asyncio.run(scenario())
    # then
    assert heard == [
        {"type": "chat.typing", "ticket_id": ticket.pk, "typing": True},
        {"type": "chat.read", "ticket_id": ticket.pk, "up_to": 42},
        {
            "type": "chat.page",
            "ticket_id": ticket.pk,
            "url": "https://tokobuku.example/buku/1",
            "title": "Buku",
        },
    ]
    assert quiet is True
    assert pong == {"type": "pong"}


@pytest.mark.django_db(transaction=True)
def test_connecting_marks_the_agent_online():
    agent = AgentFactory(username="dewi", role=Role.AGENT)

    async def scenario():
        console = _connect(agent)
        assert (await console.connect())[0]
        await console.disconnect()

    asyncio.run(scenario())
    agent.refresh_from_db()
    assert agent.console_seen_at is not None
    assert any_agent_online() is True


@pytest.mark.django_db
def test_console_presence_is_written_at_most_every_thirty_seconds():
    agent = AgentFactory(username="dewi", role=Role.AGENT)
    start = clock.now()
    with clock.frozen_at(start):
        mark_console_seen(agent)
    with clock.frozen_at(start + timedelta(seconds=20)):
        mark_console_seen(agent)
    assert Agent.objects.get(pk=agent.pk).console_seen_at == start
    with clock.frozen_at(start + timedelta(seconds=31)):
        mark_console_seen(agent)
    assert Agent.objects.get(pk=agent.pk).console_seen_at == start + timedelta(seconds=31)


@pytest.mark.django_db
def test_an_agent_is_online_for_three_minutes_and_only_for_their_teams():
    # given
    team, other = TeamFactory(slug="cs", name="CS"), TeamFactory(slug="gudang", name="Gudang")
    agent = AgentFactory(username="dewi", role=Role.AGENT)
    agent.teams.add(team)
    idle = AgentFactory(username="budi", role=Role.AGENT)
    idle.teams.add(other)
    start = clock.now()
    with clock.frozen_at(start):
        mark_console_seen(agent)
    # then
    with clock.frozen_at(start + timedelta(minutes=2)):
        assert any_agent_online() is True
        assert any_agent_online(team.pk) is True
        assert any_agent_online(other.pk) is False
    with clock.frozen_at(start + timedelta(minutes=4)):
        assert any_agent_online() is False
    Agent.objects.filter(pk=agent.pk).update(is_active=False)
    with clock.frozen_at(start + timedelta(minutes=1)):
        assert any_agent_online() is False

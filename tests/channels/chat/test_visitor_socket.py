"""The widget's websocket: a visitor hears their own conversation live and nothing else,
whatever they send."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from sapa.channels.chat.consumers import VisitorConsumer
from sapa.conversations.actions import add_note, reply
from sapa.conversations.models import Message, Ticket
from sapa.core import clock
from sapa.core.actors import Actor
from tests.channels.chat.helpers import SHOP, Visitor, make_widget
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _socket(token: str, *, origin: str = SHOP, after: int = 0) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        VisitorConsumer.as_asgi(),
        f"/ws/chat/?token={token}&after={after}",
        headers=[(b"origin", origin.encode())],
    )


async def _messages(socket: WebsocketCommunicator, *, quiet: float = 0.5) -> list[dict]:
    """Everything the socket receives until it is quiet for `quiet` seconds."""
    received = []
    # (receive_json_from's own timeout would cancel the consumer)
    while not await socket.receive_nothing(timeout=quiet):
        received.append(await socket.receive_json_from())
    return received


@pytest.fixture
def widget():
    AgentFactory(username="online", console_seen_at=clock.now())
    return make_widget(bot_enabled=False)


def _two_visitors(widget):
    alice, bob = Visitor(widget), Visitor(widget)
    for visitor, text in ((alice, "halo, saya Alice"), (bob, "alamat saya Jl. Rahasia 5")):
        visitor.open()
        visitor.say(text)
    return alice, bob


def test_bad_tokens_and_foreign_origins_are_refused(widget):
    alice = Visitor(widget)
    alice.open()

    async def scenario():
        results = []
        for socket in (
            _socket("forged-token"),
            _socket(alice.token, origin="https://evil.example"),
        ):
            results.append(await socket.connect())
        return results

    assert asyncio.run(scenario()) == [(False, 4401), (False, 4403)]


def test_a_visitor_hears_their_own_conversation_live_and_nothing_of_others(widget):
    alice, _bob = _two_visitors(widget)
    alice_ticket = Ticket.objects.get(messages__text="halo, saya Alice")
    bob_ticket = Ticket.objects.get(messages__text__startswith="alamat saya")
    bob_message = bob_ticket.messages.get()
    agent = AgentFactory(username="sari", first_name="Sari")

    async def scenario():
        socket = _socket(alice.token)
        assert (await socket.connect())[0]
        history = await _messages(socket)
        # Alice tries to reach Bob's conversation by naming its ids.
        for attempt in (
            {"type": "read", "up_to": bob_message.pk},
            {"type": "message", "text": "hi", "client_id": "x1", "ticket_id": bob_ticket.pk},
            {"type": "watch", "ticket_id": bob_ticket.pk},
            {"type": "page", "url": "https://tokobuku.example/buku/1", "title": "Buku"},
            "not an object",
        ):
            await socket.send_json_to(attempt)
        await sync_to_async(reply)(
            bob_ticket, text="Alamat Bob dicatat", actor=Actor.for_agent(agent)
        )
        await sync_to_async(add_note)(
            alice_ticket, text="catatan internal", actor=Actor.for_agent(agent)
        )
        await sync_to_async(reply)(alice_ticket, text="Halo Alice!", actor=Actor.for_agent(agent))
        live = await _messages(socket)
        await socket.disconnect()
        return history, live

    history, live = asyncio.run(scenario())
    heard = [m["message"]["text"] for m in history + live if m["type"] == "message"]
    assert heard == ["halo, saya Alice", "hi", "Halo Alice!"]
    everything = repr(history + live)
    assert "Rahasia" not in everything
    assert "Bob" not in everything
    assert "catatan internal" not in everything
    assert Message.objects.get(text="hi").ticket_id == alice_ticket.pk


def test_agent_typing_and_reading_reach_the_visitor(widget):
    alice = Visitor(widget)
    alice.open()
    alice.say("halo")
    ticket = Ticket.objects.get()
    agent = AgentFactory(username="sari", first_name="Sari Dewi")

    async def scenario():
        from channels.layers import get_channel_layer

        from sapa.channels.chat.actions import mark_read_by_agent
        from sapa.conversations.realtime import ticket_group

        socket = _socket(alice.token)
        assert (await socket.connect())[0]
        await _messages(socket)
        await get_channel_layer().group_send(
            ticket_group(ticket.pk),
            {
                "type": "ticket.presence",
                "ticket_id": ticket.pk,
                "agent_id": agent.pk,
                "agent_name": agent.display_name,
                "state": "typing",
            },
        )
        await sync_to_async(mark_read_by_agent)(ticket, agent)
        events = await _messages(socket)
        await socket.send_json_to({"type": "ping"})
        pong = await socket.receive_json_from(timeout=2)
        await socket.disconnect()
        return events, pong

    events, pong = asyncio.run(scenario())
    assert {"type": "typing", "typing": True, "name": "Sari"} in events
    newest = Message.objects.get(text="halo").pk
    assert {"type": "read", "up_to": newest} in events
    assert pong == {"type": "pong"}

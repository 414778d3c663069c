"""People and a ticket for the promise tests: Rina and Andi in the Pesanan team, a
supervisor, and Budi of another team who may not see the Pesanan tickets."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sapa.accounts.models import Presence, Role
from sapa.conversations.actions import Change, TicketChanges, change_ticket
from sapa.conversations.models import Ticket
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.promises.actions import make_promise
from tests.builders import inbound
from tests.factories import AgentFactory, TeamFactory


@pytest.fixture
def team():
    return TeamFactory(name="Pesanan", slug="pesanan")


@pytest.fixture
def rina(team):
    agent = AgentFactory(
        username="rina", first_name="Rina", role=Role.AGENT, presence=Presence.ONLINE
    )
    agent.teams.add(team)
    return agent


@pytest.fixture
def andi(team):
    agent = AgentFactory(username="andi", first_name="Andi", role=Role.AGENT)
    agent.teams.add(team)
    return agent


@pytest.fixture
def sari(team):
    agent = AgentFactory(username="sari", first_name="Sari", role=Role.SUPERVISOR)
    agent.teams.add(team)
    return agent


@pytest.fixture
def budi():
    agent = AgentFactory(username="budi", first_name="Budi", role=Role.AGENT)
    agent.teams.add(TeamFactory(name="Pembayaran", slug="pembayaran"))
    return agent


def ticket_in(team, text="paket sy blm sampe", **kwargs):
    result = inbound(text, **kwargs)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    change_ticket(ticket, TicketChanges(team=Change(team)), actor=Actor.system("test"))
    return Ticket.objects.get(pk=result.ticket_id)


@pytest.fixture
def ticket(team):
    return ticket_in(team)


def promise_due_in(ticket, owner, *, hours=3, at=None, follow_up_text="", text=None, by=None):
    """A promise `owner` (or `by` for them) made at `at` (default now), due `hours` later."""
    made_at = at or clock.now()
    with clock.frozen_at(made_at):
        return make_promise(
            ticket,
            text=text or "Buku dikirim ulang",
            due_at=made_at + timedelta(hours=hours),
            owner=owner,
            follow_up_text=follow_up_text,
            actor=Actor.for_agent(by or owner),
        )


def moment():
    """A whole-minute time to freeze the clock at."""
    return timezone.now().replace(second=0, microsecond=0)

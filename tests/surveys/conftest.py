"""People and tickets for the survey tests: Rina (agent) and Sari (team lead) in the Pesanan
team, Budi's email ticket solved by Rina. The clock is frozen on a weekday morning in
Jakarta, outside quiet hours; the CSAT goes out at once unless a test says otherwise."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sapa.accounts.models import Role
from sapa.conversations.actions import Change, TicketChanges, change_ticket, set_status
from sapa.conversations.models import Ticket, TicketStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.surveys.models import SurveyKind, SurveyResponse
from tests.builders import inbound
from tests.factories import AgentFactory, TeamFactory

WIB = ZoneInfo("Asia/Jakarta")
# A Tuesday, 10:00 WIB.
MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def _survey_settings(settings: Any) -> None:
    settings.SAPA_QUIET_HOURS = ""
    settings.SAPA_CSAT_DELAY_MINUTES = 0
    settings.SAPA_SURVEY_ASK_CES = False
    settings.SAPA_BASE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _morning() -> Iterator[None]:
    with clock.frozen_at(MORNING):
        yield


@pytest.fixture
def team():
    return TeamFactory(name="Pesanan", slug="pesanan")


@pytest.fixture
def rina(team):
    agent = AgentFactory(username="rina", first_name="Rina", role=Role.AGENT)
    agent.teams.add(team)
    return agent


@pytest.fixture
def sari(team):
    agent = AgentFactory(username="sari", first_name="Sari", role=Role.SUPERVISOR, language="en")
    agent.teams.add(team)
    return agent


def open_ticket(team, assignee, *, text="paket sy blm sampe", **kwargs):
    """A ticket from the customer's message, in `team`, assigned to `assignee`."""
    result = inbound(text, **kwargs)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    change_ticket(
        ticket,
        TicketChanges(team=Change(team), assignee=Change(assignee)),
        actor=Actor.system("test"),
    )
    return Ticket.objects.get(pk=result.ticket_id)


def solve(ticket, agent):
    set_status(ticket, status=TicketStatus.SOLVED, actor=Actor.for_agent(agent))
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def ticket(team, rina):
    return open_ticket(team, rina)


def csat_of(ticket) -> SurveyResponse:
    return SurveyResponse.objects.get(ticket=ticket, kind=SurveyKind.CSAT)


def later(days: float = 0, hours: float = 0):
    return clock.frozen_at(MORNING + timedelta(days=days, hours=hours))

"""The default SLA calendar and policy, and helpers to act at given moments in WIB."""

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sapa.conversations.models import Ticket
from sapa.core import clock
from sapa.sla.actions import ensure_default_policy
from sapa.sla.models import SlaClock, SlaPolicy
from tests.builders import inbound

WIB = ZoneInfo("Asia/Jakarta")


def wib(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=WIB)  # type: ignore[misc]


@pytest.fixture
def standard_policy(db: None) -> Iterator[SlaPolicy]:
    """ "Standar" on "Jam kerja standar" (Mon-Sat 08-17 WIB, 2026 and 2027 holidays)."""
    with clock.frozen_at(wib(2026, 1, 5, 9, 0)):
        yield ensure_default_policy()


def receive_at(
    moment: datetime, text: str = "min, pesanan sy blm sampe", **fields: object
) -> Ticket:
    with clock.frozen_at(moment):
        result = inbound(text, **fields)  # type: ignore[arg-type]
    return Ticket.objects.get(pk=result.ticket_id)


def clock_of(ticket: Ticket, metric: str, run: int = 1) -> SlaClock:
    return SlaClock.objects.get(ticket=ticket, metric=metric, run=run)

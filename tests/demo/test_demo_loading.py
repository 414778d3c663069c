"""Loading the demo: at any hour, once only, whole or not at all, from the command line."""

from datetime import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from sapa.accounts.models import Agent, Team
from sapa.commerce.models import Order
from sapa.conversations.models import Message, Ticket
from sapa.core import clock
from sapa.core.models import Event
from sapa.customers.models import Customer
from sapa.demo.loader import DemoConflict, load_demo
from sapa.demo.story import SHOP_TIMEZONE
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 takes most of a second per demo agent; the tests only need a usable hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("hour_minute", [(0, 5), (7, 59), (23, 58)])
def test_story_loads_at_any_hour_without_future_steps(hour_minute):
    """Whenever it is loaded, nothing in the demo happens after the moment of loading."""
    # given
    now = datetime(2026, 3, 11, *hour_minute, tzinfo=SHOP_TIMEZONE)
    # when
    with clock.frozen_at(now):
        load_demo()
    # then
    assert Message.objects.filter(created_at__gte=now).count() == 0
    assert Event.objects.filter(at__gte=now).count() == 0
    assert Ticket.objects.count() == 17


def test_loading_twice_changes_nothing():
    """A second load sees the demo team and writes nothing."""
    # given
    load_demo()
    before = counts()
    # when
    again = load_demo()
    # then
    assert again.already_loaded is True
    assert (again.customers, again.tickets) == (0, 0)
    assert counts() == before


def test_taken_username_stops_the_load_before_anything_is_written():
    """An agent named like a demo agent makes the load fail whole, with a clear reason."""
    # given
    AgentFactory(username="putri")
    # when
    with pytest.raises(DemoConflict, match="putri"):
        load_demo()
    # then
    assert (Team.objects.count(), Agent.objects.count(), Ticket.objects.count()) == (0, 1, 0)


def test_command_prints_counts_and_logins_then_does_nothing_the_second_time():
    """`sapa demo` prints what it loaded and the agents' logins; run again, it says so."""
    # when
    first, second = StringIO(), StringIO()
    call_command("demo", stdout=first)
    call_command("demo", stdout=second)
    # then
    assert "3 teams, 5 agents, 13 customers, 17 tickets" in first.getvalue()
    assert "password for all: sapa-demo-2026" in first.getvalue()
    assert "  sari   Sari Wulandari (supervisor; " in first.getvalue()
    assert "loaded already; nothing changed" in second.getvalue()
    assert Ticket.objects.count() == 17


def counts() -> dict[str, int]:
    return {
        "agents": Agent.objects.count(),
        "teams": Team.objects.count(),
        "customers": Customer.objects.count(),
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
        "orders": Order.objects.count(),
        "events": Event.objects.count(),
    }

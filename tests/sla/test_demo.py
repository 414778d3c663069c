"""The demo shows SLAs: a default calendar and policy, and clocks on its open tickets."""

import pytest

from sapa.conversations.models import Ticket, TicketStatus
from sapa.demo.loader import load_demo
from sapa.sla.models import BusinessCalendar, SlaClock, SlaMetric, SlaPolicy

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_policy_and_clocks_on_its_open_tickets():
    # when
    load_demo()
    # then
    assert BusinessCalendar.objects.get(is_default=True).name == "Jam kerja standar"
    assert list(SlaPolicy.objects.values_list("name", flat=True)) == ["Standar"]
    active = Ticket.objects.exclude(status__in=(TicketStatus.SOLVED, TicketStatus.CLOSED))
    with_clocks = active.filter(sla_clocks__metric=SlaMetric.RESOLUTION).distinct()
    assert active.count() == with_clocks.count() > 0
    assert not SlaClock.objects.exclude(ticket__in=active).exists()

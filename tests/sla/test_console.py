"""SLA in the console: the settings pages (supervisors and admins), the ticket page's clocks,
the inbox rows' badges and the Overdue view."""

from datetime import date

import pytest

from sapa.accounts.models import Role
from sapa.conversations.models import Ticket
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.sla.actions import CalendarDraft, create_calendar
from sapa.sla.models import BusinessCalendar, Holiday, HolidayKind, SlaPolicy, SlaTarget
from tests.factories import AgentFactory, TeamFactory
from tests.sla.conftest import receive_at, wib

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    return AgentFactory(username="sari", first_name="Sari", role=Role.SUPERVISOR)


@pytest.fixture
def agent():
    return AgentFactory(username="dewi", first_name="Dewi", role=Role.AGENT)


def _events(prefix):
    return list(Event.objects.filter(verb__startswith=prefix).order_by("pk"))


def test_a_supervisor_creates_a_wita_calendar_and_imports_its_holidays(client, supervisor):
    """Create a calendar, import 2026's holidays (twice: the second adds nothing), switch
    one off, add a company holiday."""
    # given
    client.force_login(supervisor)
    # when
    with clock.frozen_at(wib(2026, 11, 23, 9, 0)):
        created = client.post(
            "/manage/sla/calendars/new/",
            {"name": "Makassar", "zone": "WITA", "hours": "sen-jum 08:00-16:00"},
        )
        calendar = BusinessCalendar.objects.get(name="Makassar")
        url = f"/manage/sla/calendars/{calendar.pk}/"
        client.post(f"{url}import/", {"year": "2026"})
        client.post(f"{url}import/", {"year": "2026"})
        independence = Holiday.objects.get(calendar=calendar, date=date(2026, 8, 17))
        client.post(f"/manage/sla/holidays/{independence.pk}/switch/", {"is_active": "0"})
        client.post(f"{url}holidays/", {"date": "2026-12-31", "name": "Tutup buku"})
        page = client.get(f"{url}?year=2026")
    # then
    assert created.status_code == 302
    assert (calendar.zone, calendar.hours, calendar.is_default) == (
        "WITA",
        "sen-jum 08:00-16:00",
        False,
    )
    holidays = Holiday.objects.filter(calendar=calendar)
    assert holidays.count() == 17 + 8 + 1
    assert holidays.filter(kind=HolidayKind.CUTI_BERSAMA).count() == 8
    independence.refresh_from_db()
    assert (independence.name, independence.is_active) == (
        "Hari Kemerdekaan Republik Indonesia",
        False,
    )
    assert holidays.get(date=date(2026, 12, 31)).kind == HolidayKind.COMPANY
    assert [e.verb for e in _events("sla.")] == [
        "sla.calendar_created",
        "sla.holidays_imported",
        "sla.holiday_switched",
        "sla.holiday_added",
    ]
    assert page.status_code == 200
    assert "Tutup buku" in page.text
    assert "Cuti Bersama Hari Raya Idul Fitri" in page.text


def test_a_switched_off_holiday_stays_off_when_imported_again(supervisor):
    # given
    actor = Actor.for_agent(supervisor)
    calendar = create_calendar(CalendarDraft(name="Jakarta"), actor=actor)
    from sapa.sla.actions import import_holidays, set_holiday_active

    import_holidays(calendar, years=[2026], actor=actor)
    christmas = Holiday.objects.get(calendar=calendar, date=date(2026, 12, 25))
    set_holiday_active(christmas, is_active=False, actor=actor)
    # when
    added = import_holidays(calendar, years=[2026, 2027], actor=actor)
    # then
    christmas.refresh_from_db()
    assert christmas.is_active is False
    assert added == Holiday.objects.filter(calendar=calendar, date__year=2027).count() > 0


def test_a_supervisor_saves_a_vip_policy_with_targets(client, supervisor, standard_policy):
    # given
    client.force_login(supervisor)
    calendar = standard_policy.calendar
    form = {
        "name": "VIP",
        "calendar": calendar.pk,
        "position": "1",
        "customer_tags": "VIP, reseller",
        "channels": ["whatsapp", "chat"],
        "warn_before_minutes": "15",
        "is_active": "on",
        "target_urgent_first_response": "15",
        "target_urgent_resolution": "120",
        "target_normal_first_response": "60",
    }
    # when
    response = client.post("/manage/sla/policies/new/", form)
    # then
    policy = SlaPolicy.objects.get(name="VIP")
    assert response.status_code == 302
    assert (policy.customer_tags, policy.channels, policy.warn_before_minutes) == (
        ["vip", "reseller"],
        ["whatsapp", "chat"],
        15,
    )
    targets = {
        t.priority: (t.first_response_minutes, t.next_response_minutes, t.resolution_minutes)
        for t in SlaTarget.objects.filter(policy=policy)
    }
    assert targets == {"urgent": (15, None, 120), "normal": (60, None, None)}
    assert client.get("/manage/sla/").status_code == 200


def test_a_policy_with_a_zero_target_is_refused(client, supervisor, standard_policy):
    client.force_login(supervisor)
    response = client.post(
        "/manage/sla/policies/new/",
        {"name": "X", "calendar": standard_policy.calendar.pk, "position": "1",
         "warn_before_minutes": "0", "target_low_resolution": "0"},
    )  # fmt: skip
    assert response.status_code == 422
    assert not SlaPolicy.objects.filter(name="X").exists()


def test_an_agent_may_not_open_or_change_sla_settings(client, agent, standard_policy):
    """A denied request changes nothing."""
    # given
    client.force_login(agent)
    calendar = standard_policy.calendar
    holiday = Holiday.objects.filter(calendar=calendar).first()
    before = list(Event.objects.values_list("pk", flat=True))
    # when
    responses = [
        client.get("/manage/sla/"),
        client.post("/manage/sla/calendars/new/", {"name": "X", "zone": "WIB", "hours": ""}),
        client.post(f"/manage/sla/calendars/{calendar.pk}/", {"name": "Y", "zone": "WIT"}),
        client.post(f"/manage/sla/calendars/{calendar.pk}/import/", {"year": "2028"}),
        client.post(f"/manage/sla/holidays/{holiday.pk}/switch/", {"is_active": "0"}),
        client.post(f"/manage/sla/policies/{standard_policy.pk}/", {"name": "Z"}),
    ]
    # then
    assert [r.status_code for r in responses] == [403] * 6
    assert list(Event.objects.values_list("pk", flat=True)) == before
    calendar.refresh_from_db()
    holiday.refresh_from_db()
    assert (calendar.name, calendar.zone, holiday.is_active) == ("Jam kerja standar", "WIB", True)
    assert BusinessCalendar.objects.count() == 1


def test_the_ticket_page_shows_each_clock_due_in_the_calendar_zone(
    client, supervisor, standard_policy, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        ticket = receive_at(wib(2026, 11, 27, 16, 30))  # Friday
    client.force_login(AgentFactory(role=Role.ADMIN, username="ayu", language="en"))
    # when: Saturday 11:00, half an hour before the first response is due
    with clock.frozen_at(wib(2026, 11, 28, 11, 0)):
        page = client.get(f"/tickets/{ticket.pk}/")
    # then
    assert page.status_code == 200
    assert "First response:</span> <strong>Sat 11:30 WIB</strong>" in page.text
    assert "in 30\xa0minutes" in page.text
    assert "Resolution:</span> <strong>Tue 13:30 WIB</strong>" in page.text


def test_the_overdue_view_lists_tickets_past_due_with_red_badges(
    client, standard_policy, django_capture_on_commit_callbacks
):
    """Overdue lists only tickets with a running target past due; rows carry badges."""
    # given: one ticket due 13:00 Monday, one due 11:00 Tuesday
    team = TeamFactory(name="Pengiriman", slug="pengiriman")
    with django_capture_on_commit_callbacks(execute=True):
        late = receive_at(wib(2026, 11, 23, 9, 0), email="a@example.com", team_id=team.pk)
        fine = receive_at(wib(2026, 11, 23, 16, 0), email="b@example.com", team_id=team.pk)
    rina = AgentFactory(username="rina", role=Role.AGENT, language="en")
    rina.teams.add(team)
    client.force_login(rina)
    # when
    with clock.frozen_at(wib(2026, 11, 23, 16, 30)):
        overdue = client.get("/inbox/?view=overdue")
        everything = client.get("/inbox/?view=open")
        counts = client.get("/inbox/views/?view=overdue")
    # then
    assert [t.pk for t in overdue.context["tickets"]] == [late.pk]
    assert [t.pk for t in everything.context["tickets"]] == [fine.pk, late.pk]
    assert 'class="pill sla-pill sla-overdue" title="First response due Mon 13:00 WIB"' in (
        everything.text
    )
    assert 'class="pill sla-pill sla-on_track" title="First response due Tue 11:00 WIB"' in (
        everything.text
    )
    assert "Overdue" in counts.text
    assert Ticket.objects.count() == 2

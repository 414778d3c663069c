"""The phone in the console: admins set up lines, departments and the menu's destinations
(the auth token is never shown back); agents log a call from the ticket in two clicks,
optionally with a promise; the timeline shows calls as cards."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sapa.accounts.models import Role
from sapa.bot.config import ensure_default_menu
from sapa.bot.models import MenuNode
from sapa.channels.kinds import Channel
from sapa.channels.voice.actions import ManualCall, log_call
from sapa.channels.voice.models import (
    CallOutcome,
    CallRecord,
    Department,
    MenuRoute,
    RouteKind,
    VoiceLine,
)
from sapa.conversations.actions import Change, TicketChanges, change_ticket
from sapa.conversations.models import Direction, Message, Ticket
from sapa.core.actors import Actor
from sapa.core.business_hours import JAKARTA
from sapa.core.clock import frozen_at
from sapa.core.exceptions import InvalidInput
from sapa.core.models import Event
from sapa.promises.models import Promise
from tests.builders import inbound
from tests.channels.voice.helpers import (
    CLOSED,
    TOKEN,
    call_params,
    hook_path,
    make_department,
    make_line,
    new_call_sid,
    post_signed,
)
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=JAKARTA)


@pytest.fixture
def team():
    return TeamFactory(name="Layanan", slug="layanan")


@pytest.fixture
def agent(team):
    found = AgentFactory(username="dewi", first_name="Dewi", role=Role.AGENT)
    found.teams.add(team)
    return found


@pytest.fixture
def admin_agent():
    return AgentFactory(username="boss", role=Role.ADMIN)


@pytest.fixture
def ticket(team):
    result = inbound("min, refund saya kapan?", phone="0812-3456-7890")
    found = Ticket.objects.get(pk=result.ticket_id)
    change_ticket(found, TicketChanges(team=Change(team)), actor=Actor.system("test"))
    return Ticket.objects.get(pk=result.ticket_id)


def test_an_admin_adds_a_line_and_its_token_is_never_shown_back(client, admin_agent):
    """The form saves the line; the page shows the provider's addresses, not the token."""
    # given
    client.force_login(admin_agent)
    desk = make_department("Layanan", phone_number="+622150009999")
    # when
    response = client.post(
        "/manage/phone/lines/new/",
        {
            "name": "Toko Buku",
            "number": "021-5000-1234",
            "auth_token": TOKEN,
            "default_department": desk.pk,
            "language": "id-ID",
            "voicemail_max_seconds": "120",
            "transcribe_voicemail": "on",
            "is_active": "on",
        },
    )
    # then
    line = VoiceLine.objects.get()
    assert response.status_code == 302
    assert (line.number, line.auth_token, line.default_department_id) == (
        "+622150001234",
        TOKEN,
        desk.pk,
    )
    page = client.get(response.url)
    assert TOKEN not in page.text
    assert f"/hooks/voice/{line.key}/incoming" in page.text
    assert f"/hooks/voice/{line.key}/status" in page.text
    event = Event.objects.get(verb="voice.line_created")
    assert TOKEN not in str(event.after)
    # when: saved again without a token, the stored one stays
    client.post(
        f"/manage/phone/lines/{line.pk}/",
        {"name": "Toko Buku", "number": "+622150001234", "language": "en-US",
         "voicemail_max_seconds": "60", "is_active": "on"},
    )  # fmt: skip
    line.refresh_from_db()
    assert (line.auth_token, line.language, line.voicemail_max_seconds) == (TOKEN, "en-US", 60)


def test_a_bad_line_form_names_the_field_and_writes_nothing(client, admin_agent):
    client.force_login(admin_agent)
    response = client.post(
        "/manage/phone/lines/new/",
        {"name": "Toko", "number": "12", "auth_token": "x", "language": "id-ID",
         "voicemail_max_seconds": "120"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "number" in response.context["form"].errors
    assert VoiceLine.objects.count() == 0


def test_agents_may_not_set_the_phone_up(client, agent):
    client.force_login(agent)
    assert client.get("/manage/phone/").status_code == 403
    response = client.post("/manage/phone/departments/new/", {"name": "X", "queue_name": "x"})
    assert response.status_code == 403
    assert Department.objects.count() == 0


def test_an_admin_sends_a_menu_entry_to_a_department(client, admin_agent):
    """The Phone page lists the phone menu; a hand-off entry's destination is one choice."""
    # given
    client.force_login(admin_agent)
    client.post(
        "/manage/phone/departments/new/",
        {"name": "Pembayaran", "phone_number": "+622150002222", "ring_seconds": "20",
         "is_active": "on"},
    )  # fmt: skip
    payments = Department.objects.get()
    entry = MenuNode.objects.get(parent=ensure_default_menu("phone"), key="2")
    # when
    response = client.post(
        f"/manage/phone/routes/{entry.pk}/", {"destination": f"department:{payments.pk}"}
    )
    # then
    assert response.status_code == 302
    route = MenuRoute.objects.get(node=entry)
    assert (route.kind, route.department_id) == (RouteKind.DIAL, payments.pk)
    page = client.get("/manage/phone/")
    assert page.status_code == 200
    assert f'value="department:{payments.pk}" selected' in page.text
    # when: back to the default
    client.post(f"/manage/phone/routes/{entry.pk}/", {"destination": ""})
    # then
    assert not MenuRoute.objects.exists()


def test_an_agent_logs_a_call_with_a_promise_in_one_submit(client, agent, ticket):
    """Open "Log a call" and save: the call is on the ticket, the promise is made."""
    # given
    client.force_login(agent)
    page = client.get(f"/tickets/{ticket.pk}/")
    assert 'id="call-log-box"' in page.text
    assert 'name="duration_minutes" type="number" min="0" max="1440" required value="5"' in (
        page.text
    )
    # when
    with frozen_at(NOW):
        response = client.post(
            f"/tickets/{ticket.pk}/calls/",
            {
                "direction": "outbound",
                "duration_minutes": "4",
                "outcome": "answered",
                "summary": "Refund diproses, dana masuk 3 hari kerja.",
                "promise_text": "Telepon balik setelah refund masuk",
                "promise_due": "besok 17:00",
            },
        )
    # then
    assert response.status_code == 302
    record = CallRecord.objects.get()
    assert record.call_sid.startswith("manual:")
    assert (record.ticket_id, record.agent_id, record.outcome) == (
        ticket.pk,
        agent.pk,
        CallOutcome.ANSWERED,
    )
    assert record.duration_seconds == 240
    assert record.caller == "+6281234567890"
    message = Message.objects.get(pk=record.message_id)
    assert (message.channel, message.direction, message.author_agent_id) == (
        Channel.PHONE,
        Direction.OUTBOUND,
        agent.pk,
    )
    assert message.meta["call"]["summary"] == "Refund diproses, dana masuk 3 hari kerja."
    promise = Promise.objects.get()
    assert (promise.ticket_id, promise.owner_id, promise.text) == (
        ticket.pk,
        agent.pk,
        "Telepon balik setelah refund masuk",
    )
    assert promise.due_at == datetime(2026, 11, 24, 17, 0, tzinfo=JAKARTA)
    timeline = client.get(f"/tickets/{ticket.pk}/").text
    assert 'class="call-card outcome-answered"' in timeline
    assert "Refund diproses, dana masuk 3 hari kerja." in timeline


def test_half_a_promise_logs_nothing(client, agent, ticket):
    """A promise without a due time: the form says so, and no call is logged."""
    client.force_login(agent)
    response = client.post(
        f"/tickets/{ticket.pk}/calls/",
        {"direction": "inbound", "duration_minutes": "2", "outcome": "answered",
         "promise_text": "Kirim ulang"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert response.status_code == 200
    assert 'id="call-log-box"' in response.text
    assert "promise_due" in response.context["call_form"].errors
    assert CallRecord.objects.count() == 0
    assert Promise.objects.count() == 0


def test_a_refused_promise_rolls_the_call_back(agent, ticket):
    """The action is one transaction: a due time in the past logs no call either."""
    with frozen_at(NOW), pytest.raises(InvalidInput):
        log_call(
            ticket,
            call=ManualCall(
                direction="inbound",
                duration_minutes=3,
                outcome=CallOutcome.ANSWERED,
                promise_text="Telepon balik",
                promise_due_at=datetime(2026, 11, 20, 9, 0, tzinfo=JAKARTA),
            ),
            actor=Actor.for_agent(agent),
        )
    assert CallRecord.objects.count() == 0
    assert Message.objects.filter(channel=Channel.PHONE).count() == 0


def test_a_voicemail_shows_as_a_card_with_a_link_to_the_recording(client, agent):
    """The recording is a link (the console's CSP allows no outside media), never <audio>."""
    # given
    line = make_line(team_id=agent.teams.get().pk)
    sid = new_call_sid()
    url = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE77"
    with frozen_at(CLOSED):
        post_signed(client, hook_path(line, "incoming"), call_params(sid))
        post_signed(
            client,
            hook_path(line, "recording"),
            call_params(sid, RecordingUrl=url, RecordingSid="RE77", RecordingDuration="9"),
        )
    record = CallRecord.objects.get(call_sid=sid)
    client.force_login(agent)
    # when
    page = client.get(f"/tickets/{record.ticket_id}/")
    # then
    assert page.status_code == 200
    assert 'class="call-card outcome-voicemail"' in page.text
    assert f'href="{url}"' in page.text
    assert "<audio" not in page.text


def test_the_phone_page_reads_a_fixed_number_of_queries(client, admin_agent):
    """More lines and departments do not mean more queries."""
    # given
    client.force_login(admin_agent)
    make_department("Satu", phone_number="+622150000001")
    make_line()
    client.get("/manage/phone/")  # the default menu exists from here on
    with CaptureQueriesContext(connection) as few:
        assert client.get("/manage/phone/").status_code == 200
    for n in range(2, 5):
        make_department(f"Dept {n}", queue_name=f"q{n}")
        make_line(name=f"Line {n}", number=f"+62215000{n:04d}")
    # when
    with CaptureQueriesContext(connection) as many:
        response = client.get("/manage/phone/")
    # then
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)

"""The phone menu as the provider sees it: TwiML from the first <Gather> through the keys
pressed to a <Dial> of the right department, wrong keys, silence, and the call's log on
the caller's ticket."""

import pytest

from sapa.bot.config import ensure_default_menu
from sapa.bot.models import MenuAction, MenuNode
from sapa.channels.kinds import Channel, IdentityKind
from sapa.channels.voice.actions import set_menu_route
from sapa.channels.voice.models import CallOutcome, CallRecord, RouteKind
from sapa.conversations.models import Message, Ticket
from sapa.core.clock import frozen_at
from sapa.customers.models import Identity
from tests.channels.voice.helpers import (
    CALLER,
    OPEN,
    admin,
    call_params,
    hook_path,
    make_department,
    make_line,
    new_call_sid,
    post_signed,
    said,
    twiml,
)
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def _entry(key: str) -> MenuNode:
    root = ensure_default_menu("phone")
    return MenuNode.objects.get(parent=root, key=key)


@pytest.fixture
def line():
    agents = make_department("Layanan pelanggan", phone_number="021-5000-9999")
    payments = make_department("Pembayaran", phone_number="+622150002222")
    make_department("Retur", queue_name="retur")
    set_menu_route(_entry("2"), kind=RouteKind.DIAL, department_id=payments.pk, actor=admin())
    return make_line(default_department_id=agents.pk)


def test_a_call_walks_from_the_menu_to_the_payment_departments_number(client, line):
    """Pressing 2 in the main menu puts the caller through to Pembayaran's number."""
    # given
    sid = new_call_sid()
    root = ensure_default_menu("phone")
    # when
    with frozen_at(OPEN):
        first = twiml(post_signed(client, hook_path(line, "incoming"), call_params(sid)))
    # then
    gather = first.find("Gather")
    assert gather is not None
    assert gather.get("input") == "dtmf"
    assert gather.get("numDigits") == "1"
    assert gather.get("action", "").endswith(f"/hooks/voice/{line.key}/menu/{root.pk}?tries=0")
    prompt = gather.find("Say")
    assert prompt is not None
    assert prompt.get("language") == "id-ID"
    for label in ("status pesanan", "pembayaran", "retur", "berbicara dengan agen"):
        assert label in (prompt.text or "")
    # when
    with frozen_at(OPEN):
        second = twiml(post_signed(client, gather.get("action", ""), call_params(sid, Digits="2")))
    # then
    dial = second.find("Dial")
    assert dial is not None
    assert [number.text for number in dial.iter("Number")] == ["+622150002222"]
    assert dial.get("action", "").endswith(f"/hooks/voice/{line.key}/connected")
    record = CallRecord.objects.get(call_sid=sid)
    assert record.ivr_path == ["2"]
    assert record.department is not None
    assert record.department.name == "Pembayaran"


def test_the_call_is_logged_on_the_callers_ticket_and_completed_at_the_end(client, line):
    """The call is a phone message of the caller's ticket; being put through, the
    answer and the status callback complete its log."""
    # given
    sid = new_call_sid()
    root = ensure_default_menu("phone")
    with frozen_at(OPEN):
        post_signed(client, hook_path(line, "incoming"), call_params(sid))
        post_signed(client, hook_path(line, "menu", root.pk), call_params(sid, Digits="2"))
        # when
        done = twiml(
            post_signed(
                client,
                hook_path(line, "connected"),
                call_params(sid, DialCallStatus="completed", DialCallDuration="170"),
            )
        )
        post_signed(
            client,
            hook_path(line, "status"),
            call_params(sid, CallStatus="completed", CallDuration="185"),
        )
    # then
    assert [child.tag for child in done] == ["Hangup"]
    record = CallRecord.objects.get(call_sid=sid)
    assert record.outcome == CallOutcome.ANSWERED
    assert record.duration_seconds == 185
    assert record.provider_status == "completed"
    message = Message.objects.get(pk=record.message_id)
    ticket = Ticket.objects.get(pk=record.ticket_id)
    assert message.channel == Channel.PHONE
    assert message.external_id == f"call:{sid}"
    assert ticket.origin_channel == Channel.PHONE
    assert Identity.objects.get(customer=ticket.customer, kind=IdentityKind.PHONE).value == CALLER
    call = message.meta["call"]
    assert call["ivr_path"] == ["2"]
    assert call["department"] == "Pembayaran"
    assert call["outcome"] == "answered"
    assert call["duration_seconds"] == 185
    assert "3:05" in message.text


def test_an_entry_with_a_team_goes_to_that_teams_department_and_queues_wait(client, line):
    """A hand-off entry without a route goes to its team's department; a department with
    only a queue name puts the caller in that queue (<Enqueue>)."""
    # given
    returns_team = TeamFactory(name="Retur", slug="retur")
    make_department("Retur gudang", queue_name="retur-gudang", team_id=returns_team.pk)
    entry = _entry("3")
    MenuNode.objects.filter(pk=entry.pk).update(team=returns_team)
    sid = new_call_sid()
    # when
    with frozen_at(OPEN):
        post_signed(client, hook_path(line, "incoming"), call_params(sid))
        root = twiml(
            post_signed(
                client, hook_path(line, "menu", entry.parent_id), call_params(sid, Digits="3")
            )
        )
    # then
    enqueue = root.find("Enqueue")
    assert enqueue is not None
    assert enqueue.text == "retur-gudang"
    assert root.find("Dial") is None


def test_a_wrong_key_repeats_the_menu_once_then_a_person_takes_the_call(client, line):
    """The first wrong key repeats the menu; the second puts the caller through to the
    line's default department."""
    # given
    sid = new_call_sid()
    with frozen_at(OPEN):
        first = twiml(post_signed(client, hook_path(line, "incoming"), call_params(sid)))
        action = first.find("Gather").get("action")  # type: ignore[union-attr]
        # when
        again = twiml(post_signed(client, action, call_params(sid, Digits="7")))
        repeated = again.find("Gather")
        last = twiml(
            post_signed(client, repeated.get("action"), call_params(sid, Digits="8"))  # type: ignore[union-attr]
        )
    # then
    assert repeated is not None
    assert repeated.get("action", "").endswith("?tries=1")
    assert "status pesanan" in said(again)
    dial = last.find("Dial")
    assert dial is not None
    assert [number.text for number in dial.iter("Number")] == ["+622150009999"]
    assert CallRecord.objects.get(call_sid=sid).ivr_path == []


def test_silence_counts_as_a_miss(client, line):
    """No key at all: the <Redirect> after the <Gather> asks again, then a person."""
    # given
    sid = new_call_sid()
    with frozen_at(OPEN):
        first = twiml(post_signed(client, hook_path(line, "incoming"), call_params(sid)))
        redirect = first.find("Redirect")
        assert redirect is not None
        assert redirect.text
        # when
        again = twiml(post_signed(client, redirect.text, call_params(sid)))
        last = twiml(post_signed(client, again.find("Redirect").text, call_params(sid)))  # type: ignore[union-attr,arg-type]
    # then
    assert again.find("Gather") is not None
    assert last.find("Dial") is not None


def test_the_prompt_is_made_from_the_menu_tree_in_the_callers_language(client):
    """An English line says the English labels, with the words around them."""
    # given
    line = make_line(language="en-US")
    root = ensure_default_menu("phone")
    MenuNode.objects.create(
        menu="phone",
        parent=root,
        key="5",
        label="Promo",
        label_en="Deals",
        action=MenuAction.ANSWER,
        text="Diskon 10%.",
        text_en="10% off this week.",
        position=9,
    )
    # when
    with frozen_at(OPEN):
        root_xml = twiml(post_signed(client, hook_path(line, "incoming"), call_params("CAen1")))
        answer = twiml(
            post_signed(client, hook_path(line, "menu", root.pk), call_params("CAen1", Digits="5"))
        )
    # then
    prompt = root_xml.find("Gather/Say")
    assert prompt is not None
    assert prompt.get("language") == "en-US"
    assert prompt.text == (
        "How can we help? Choose one: Press 1 for order status. Press 2 for payment. "
        "Press 3 for returns. Press 0 for talking to an agent. Press 5 for deals."
    )
    assert said(answer).startswith("10% off this week.")
    assert answer.find("Gather") is not None
    assert CallRecord.objects.get(call_sid="CAen1").outcome == CallOutcome.ANSWERED

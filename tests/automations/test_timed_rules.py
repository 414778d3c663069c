"""Timed rules, run by the worker: "pending 3 days → remind the customer" once per pending
period, "pending 7 days → solved", "solved 4 days → closed", and the three defaults."""

from datetime import UTC, datetime, timedelta

import pytest

from sapa.automations.models import AutomationRun, Rule, RuleKind
from sapa.automations.tasks import run_timed_rules
from sapa.channels.kinds import Channel
from sapa.conversations.actions import set_status
from sapa.conversations.models import Direction, Message, Ticket, TicketStatus
from sapa.core.actors import Actor
from sapa.core.clock import frozen_at
from sapa.customers.actions import set_customer_tags
from tests.automations.rules import act, cond, make_rule
from tests.builders import inbound

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _pending_ticket(text="pesanan saya belum sampai"):
    with frozen_at(START):
        result = inbound(text, channel=Channel.EMAIL, email="budi@example.com")
        ticket = Ticket.objects.get(pk=result.ticket_id)
        set_status(ticket, status=TicketStatus.PENDING, actor=Actor.system("test"))
    return ticket


def _defaults_on():
    Rule.objects.filter(kind=RuleKind.SCHEDULED).update(is_active=True)


def _round(at):
    with frozen_at(at):
        return run_timed_rules()


def _reminder_ids(ticket):
    return list(
        Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND).values_list(
            "external_id", flat=True
        )
    )


def _reminders(ticket):
    return list(
        Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND).values_list(
            "text", flat=True
        )
    )


def test_the_three_defaults_ship_switched_off():
    """Every desk starts with the three timed rules, off until a supervisor turns them on."""
    defaults = list(Rule.objects.filter(kind=RuleKind.SCHEDULED).order_by("position"))
    assert [(r.name, r.is_active) for r in defaults] == [
        ("Pengingat: menunggu jawaban pelanggan 3 hari", False),
        ("Selesaikan: menunggu jawaban pelanggan 7 hari", False),
        ("Tutup: selesai 4 hari", False),
    ]
    # and: switched off, they do nothing
    ticket = _pending_ticket()
    assert _round(START + timedelta(days=30)) == 0
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING


def test_pending_three_days_reminds_the_customer_exactly_once(handled):
    """Not before 72 hours; at 72 hours one reminder; later rounds send no second one."""
    # given: the defaults on, and a ticket pending since START
    _defaults_on()
    ticket = _pending_ticket()

    # when: the worker looks just before, at, and twice after three days
    with handled():
        assert _round(START + timedelta(hours=71, minutes=55)) == 0
        assert _round(START + timedelta(hours=72)) == 1
        assert _round(START + timedelta(hours=72, minutes=5)) == 0
        assert _round(START + timedelta(days=5)) == 0

    # then: one reminder, with the customer's first name, by email; still pending
    assert _reminders(ticket) == ["Halo Budi, apakah masih ada yang bisa kami bantu?"]
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING


def test_a_new_pending_period_gets_a_new_reminder(handled):
    """The customer answers (the ticket re-opens), the agent sets it pending again: three
    days later the reminder goes out again - once per pending period."""
    # given: a ticket reminded once
    _defaults_on()
    ticket = _pending_ticket()
    with handled():
        _round(START + timedelta(hours=72))
    # when: the customer writes, and the agent waits for them again
    with frozen_at(START + timedelta(days=4)):
        inbound(
            "sudah sampai tapi rusak",
            email="budi@example.com",
            in_reply_to=_reminder_ids(ticket)[0],
        )
        set_status(ticket, status=TicketStatus.PENDING, actor=Actor.system("test"))
    with handled():
        assert _round(START + timedelta(days=6)) == 0
        assert _round(START + timedelta(days=7, hours=1)) == 1

    # then
    assert len(_reminders(ticket)) == 2


def test_pending_seven_days_is_solved_and_solved_four_days_is_closed(handled):
    """The chain of the defaults: reminder at 3 days, solved at 7, closed 4 days later."""
    # given
    _defaults_on()
    ticket = _pending_ticket()

    # when
    with handled():
        _round(START + timedelta(days=3))
        _round(START + timedelta(days=7))
    ticket.refresh_from_db()
    # then: solved by the rule
    assert ticket.status == TicketStatus.SOLVED
    assert ticket.solved_at == START + timedelta(days=7)

    # when: four days pass
    with handled():
        _round(START + timedelta(days=10, hours=23))
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.SOLVED
        _round(START + timedelta(days=11))

    # then: closed
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    assert list(
        AutomationRun.objects.filter(ticket=ticket)
        .order_by("at")
        .values_list("rule_name", "outcome")
    ) == [
        ("Pengingat: menunggu jawaban pelanggan 3 hari", "done"),
        ("Selesaikan: menunggu jawaban pelanggan 7 hari", "done"),
        ("Tutup: selesai 4 hari", "done"),
    ]


def test_a_reminder_outside_whatsapps_window_is_recorded_as_failed(handled):
    """WhatsApp takes free text only within 24 hours of the customer's last message: the
    reminder's run says why nothing was sent, and the solve rule still works later."""
    # given: a WhatsApp ticket pending since START
    _defaults_on()
    with frozen_at(START):
        result = inbound("halo", channel=Channel.WHATSAPP, email=None, phone="+6281298765432")
        ticket = Ticket.objects.get(pk=result.ticket_id)
        set_status(ticket, status=TicketStatus.PENDING, actor=Actor.system("test"))

    # when
    with handled():
        _round(START + timedelta(days=3))

    # then
    run = AutomationRun.objects.get(ticket=ticket)
    assert run.outcome == "failed"
    assert run.detail["actions"][0]["type"] == "send_reply"
    assert run.detail["actions"][0]["ok"] is False
    assert _reminders(ticket) == []


def test_a_timed_rule_of_the_desk_with_other_conditions():
    """Timed rules take any condition: here only VIP customers' open tickets older than a
    day are raised to urgent; others are left alone."""
    # given
    rule = make_rule(
        RuleKind.SCHEDULED,
        name="VIP lama",
        conditions=[
            cond("hours_since_created", "gte", "1d"),
            cond("status", "in", "new, open"),
            cond("customer_tags", "contains_any", "vip"),
        ],
        actions=[act("set_priority", "urgent")],
    )
    with frozen_at(START):
        plain = Ticket.objects.get(pk=inbound("halo", email="a@example.com", name="A").ticket_id)
        vip = Ticket.objects.get(pk=inbound("halo", email="v@example.com", name="V").ticket_id)

    set_customer_tags(vip.customer, names=["vip"], actor=Actor.system("test"))

    # when
    made = _round(START + timedelta(days=2))

    # then
    assert made == 1
    vip.refresh_from_db()
    plain.refresh_from_db()
    assert (vip.priority, plain.priority) == ("urgent", "normal")
    assert AutomationRun.objects.get(rule=rule).ticket == vip

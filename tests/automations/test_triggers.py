"""Triggers end to end: an inbound message or a ticket change commits, the event reaches
the automations handler, and every matching trigger runs once, recorded on the ticket."""

import json

import pytest

from sapa.accounts.models import Role
from sapa.automations.models import AutomationRun, RunOutcome
from sapa.channels.kinds import Channel
from sapa.conversations.actions import set_priority
from sapa.conversations.models import (
    Direction,
    Message,
    Notification,
    NotificationKind,
    Priority,
    Ticket,
)
from sapa.conversations.ticket_timeline import ticket_timeline
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.models import Event, Tag
from sapa.webhooks.models import WebhookDelivery
from sapa.webhooks.signing import SIGNATURE_HEADER, signature
from tests.automations.rules import act, cond, trigger
from tests.builders import inbound
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pembayaran():
    return TeamFactory(name="Pembayaran", slug="pembayaran")


def _refund_trigger(team):
    return trigger(
        "Refund via WhatsApp",
        events=["message.received"],
        conditions=[cond("channel", "is", "whatsapp"), cond("text", "contains_any", "refund")],
        actions=[act("set_team", team.name), act("add_tags", "refund")],
    )


def _whatsapp(text, **fields):
    return inbound(text, channel=Channel.WHATSAPP, email=None, phone="+6281234567890", **fields)


def test_a_whatsapp_message_about_a_refund_is_routed_by_the_trigger(handled, pembayaran):
    """ "If channel is WhatsApp and text mentions refund → team Pembayaran, tag refund":
    the ticket gets both, the run is recorded with what it did, and the timeline says so."""
    # given: the trigger
    rule = _refund_trigger(pembayaran)

    # when: a customer writes on WhatsApp
    with handled():
        result = _whatsapp("min mau refundnya dong")

    # then: the ticket went to the team, with the tag
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert ticket.team == pembayaran
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["refund"]
    # and: one run, recorded with the actions it took
    run = AutomationRun.objects.get(rule=rule, ticket=ticket)
    received = Event.objects.get(verb="message.received", subject_id=ticket.pk)
    assert run.run_key == f"{rule.pk}:{received.pk}"
    assert run.outcome == RunOutcome.DONE
    assert run.detail == {
        "actions": [
            {"type": "set_team", "ok": True, "team_id": pembayaran.pk},
            {"type": "add_tags", "ok": True, "tags": ["refund"]},
        ]
    }
    # and: the ticket's changes and the run carry the rule's name as their actor
    changes = Event.objects.filter(
        subject_id=ticket.pk, verb__in=["ticket.team_changed", "ticket.tagged"]
    )
    assert {e.actor_label for e in changes} == {f"trigger:{rule.pk}"}
    ran = Event.objects.get(verb="automation.ran", subject_id=ticket.pk)
    assert ran.after == {
        "rule_id": rule.pk,
        "name": "Refund via WhatsApp",
        "kind": "trigger",
        "outcome": "done",
        "actions": ["set_team", "add_tags"],
        "reason": "",
    }
    entries, _earlier = ticket_timeline(ticket)
    assert "Rule “Refund via WhatsApp” ran: Set team, Add tags" in [e.event_text for e in entries]


def test_a_message_that_does_not_match_changes_nothing(handled, pembayaran):
    """An email about a refund, or a WhatsApp message about something else, is left alone."""
    # given
    _refund_trigger(pembayaran)

    # when
    with handled():
        by_email = inbound("mau refund", channel=Channel.EMAIL, email="ani@example.com")
        other = _whatsapp("ukuran XL ada?")

    # then
    for result in (by_email, other):
        ticket = Ticket.objects.get(pk=result.ticket_id)
        assert ticket.team is None
        assert list(ticket.tags.all()) == []
    assert AutomationRun.objects.count() == 0


def test_inactive_triggers_and_other_events_do_not_run(handled, pembayaran):
    """A trigger switched off, or one listening for other events, never runs."""
    # given
    trigger(
        "Mati",
        events=["message.received"],
        actions=[act("add_tags", "mati")],
        is_active=False,
    )
    trigger("Lain", events=["sla.breached"], actions=[act("add_tags", "lain")])

    # when
    with handled():
        result = _whatsapp("halo")

    # then
    assert list(Ticket.objects.get(pk=result.ticket_id).tags.all()) == []


def test_ticket_updated_triggers_run_in_order_and_see_earlier_changes(handled):
    """A priority change is "ticket.updated"; the first trigger raises the priority, and
    the second sees that through the change the first made (its own event), then notifies
    the team: each runs once."""
    # given: a ticket of a team with two members, and two triggers
    team = TeamFactory(name="Retur", slug="retur")
    members = [AgentFactory(username="dina"), AgentFactory(username="eko")]
    for member in members:
        member.teams.add(team)
    result = _whatsapp("barang rusak", team_id=team.pk)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    first = trigger(
        "VIP jadi mendesak",
        events=["ticket.updated"],
        conditions=[cond("priority", "is", "high")],
        actions=[act("set_priority", "urgent")],
    )
    trigger(
        "Beri tahu tim",
        events=["ticket.updated"],
        conditions=[cond("priority", "is", "urgent")],
        actions=[act("notify", "team"), act("add_note", text="Mendesak: {{ customer.name }}")],
    )

    # when: an agent raises the priority
    with handled():
        set_priority(ticket, priority=Priority.HIGH, actor=Actor.system("test"))

    # then: both ran, in order
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    assert list(
        AutomationRun.objects.filter(ticket=ticket)
        .order_by("pk")
        .values_list("rule_name", flat=True)
    ) == ["VIP jadi mendesak", "Beri tahu tim"]
    notified = Notification.objects.filter(ticket=ticket, kind=NotificationKind.AUTOMATION)
    assert sorted((n.agent.username, n.detail) for n in notified) == [
        ("dina", "Beri tahu tim"),
        ("eko", "Beri tahu tim"),
    ]
    note = Message.objects.get(ticket=ticket, direction=Direction.NOTE)
    assert note.text == "Mendesak: Budi Santoso"
    # and: the first trigger did not run again on its own change
    assert AutomationRun.objects.filter(rule=first).count() == 1


def test_send_reply_answers_on_the_tickets_channel_with_placeholders(handled):
    """The reply goes out on the customer's channel, with the placeholders filled in and
    those without a value left out."""
    # given
    trigger(
        "Balas otomatis",
        events=["ticket.created"],
        actions=[
            act(
                "send_reply",
                text="Halo {{ customer.first_name }}, tiket #{{ ticket.number }} diterima. "
                "{{ order.number }}",
            )
        ],
    )

    # when
    with handled():
        result = _whatsapp("halo kak")

    # then
    ticket = Ticket.objects.get(pk=result.ticket_id)
    sent = Message.objects.get(ticket=ticket, direction=Direction.OUTBOUND)
    assert sent.channel == Channel.WHATSAPP
    assert sent.text == f"Halo Budi, tiket #{ticket.number} diterima."
    assert sent.author_kind == "system"
    # and: an automatic reply does not open the ticket (a person has not answered yet)
    assert ticket.status == "new"
    assert ticket.first_response_at is None


def test_a_failing_action_is_recorded_and_the_others_still_happen(handled):
    """Assigning to a deactivated agent fails; the tag is still added; the run says so."""
    # given
    gone = AgentFactory(username="lama", is_active=False)
    rule = trigger(
        "Ke Lama",
        events=["ticket.created"],
        actions=[act("assign", gone.username), act("add_tags", "dicoba")],
    )

    # when
    with handled():
        result = _whatsapp("halo")

    # then
    run = AutomationRun.objects.get(rule=rule)
    assert run.outcome == RunOutcome.FAILED
    assert run.detail["actions"] == [
        {"type": "assign", "ok": False, "error": "the agent is not active"},
        {"type": "add_tags", "ok": True, "tags": ["dicoba"]},
    ]
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert ticket.assignee is None
    assert list(ticket.tags.values_list("name", flat=True)) == ["dicoba"]


def test_call_webhook_delivers_a_signed_request(handled, receiver, settings):
    """The webhook action hands a one-off delivery to sapa.webhooks, which signs it with the
    rule's secret and posts it."""
    # given: a receiver on loopback, and a trigger calling it
    settings.SAPA_WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    secret = "rahasia-webhook-123456"
    rule = trigger(
        "Kabari gudang",
        events=["ticket.created"],
        actions=[act("call_webhook", receiver.url, secret=secret)],
    )

    # when
    with handled():
        result = _whatsapp("halo")

    # then: one delivery, for the ticket, delivered and signed
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.ticket_id) == ("automation.webhook", result.ticket_id)
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    body = json.loads(request.body)
    assert body["data"]["rule"] == {"id": rule.pk, "name": "Kabari gudang", "kind": "trigger"}
    assert body["data"]["ticket"]["id"] == result.ticket_id
    timestamp = int(request.headers["X-Sapa-Timestamp"])
    assert request.headers[SIGNATURE_HEADER] == signature(secret, timestamp, request.body)


def test_auto_replies_trigger_nothing(handled):
    """An out-of-office message does not run message.received triggers (two desks'
    auto-replies would otherwise answer each other)."""
    # given
    trigger("Balas", events=["message.received"], actions=[act("add_tags", "dibalas")])

    # when
    with handled():
        result = _whatsapp("Saya sedang cuti", auto_reply="out-of-office")

    # then
    assert list(Ticket.objects.get(pk=result.ticket_id).tags.all()) == []


def test_role_of_the_rule_author_does_not_limit_what_it_does(handled):
    """Rules act as the automation, not as the supervisor who wrote them."""
    # given: a trigger written by a supervisor
    AgentFactory(username="sari", role=Role.SUPERVISOR)
    trigger("Tandai", events=["ticket.created"], actions=[act("set_priority", "low")])

    # when
    with handled():
        result = _whatsapp("halo")

    # then
    assert Ticket.objects.get(pk=result.ticket_id).priority == Priority.LOW


def test_sla_and_survey_events_reach_their_triggers(handled):
    """An SLA warning on the ticket, and a survey answer whose event names the ticket in
    `ticket_id`, run the triggers set to them."""
    # given
    ticket = Ticket.objects.get(pk=_whatsapp("halo").ticket_id)
    trigger("Hampir telat", events=["sla.warning"], actions=[act("set_priority", "urgent")])
    trigger("Survei", events=["survey.answered"], actions=[act("add_tags", "disurvei")])

    # when: the SLA clock warns, then the customer answers a survey
    with handled():
        record_event(Actor.automation("sla"), "sla.warning", ticket, after={"metric": "first"})
        survey = Tag.objects.create(name="pengganti-survei")  # any subject other than the ticket
        record_event(Actor.customer(), "survey.answered", survey, after={"ticket_id": ticket.pk})

    # then
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    assert list(ticket.tags.values_list("name", flat=True)) == ["disurvei"]

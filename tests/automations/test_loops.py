"""Loop protection: a trigger never reacts to its own change, two triggers undoing each
other stop at the per-ticket limit, and one (rule, event) never runs twice."""

import pytest

from sapa.automations.execution import run_rule
from sapa.automations.handlers import on_events
from sapa.automations.models import AutomationRun, RunOutcome
from sapa.channels.kinds import Channel
from sapa.conversations.actions import set_priority
from sapa.conversations.models import Priority, Ticket
from sapa.conversations.ticket_timeline import ticket_timeline
from sapa.core.actors import Actor
from sapa.core.models import Event
from tests.automations.rules import act, cond, trigger
from tests.builders import inbound

pytestmark = pytest.mark.django_db


def _ticket():
    result = inbound("halo", channel=Channel.WHATSAPP, email=None, phone="+6281234567890")
    return Ticket.objects.get(pk=result.ticket_id)


def test_two_triggers_undoing_each_other_stop_at_the_limit(handled, settings):
    """High → low → high → ...: after SAPA_AUTOMATION_RUNS_PER_TICKET_PER_HOUR runs the
    next run is recorded as skipped, acts no more, and the loop ends."""
    # given: a limit of 6, and two triggers that change the priority back and forth
    settings.SAPA_AUTOMATION_RUNS_PER_TICKET_PER_HOUR = 6
    ticket = _ticket()
    trigger(
        "Turunkan",
        events=["ticket.updated"],
        conditions=[cond("priority", "is", "high")],
        actions=[act("set_priority", "low")],
    )
    trigger(
        "Naikkan",
        events=["ticket.updated"],
        conditions=[cond("priority", "is", "low")],
        actions=[act("set_priority", "high")],
    )

    # when: an agent sets the priority to high
    with handled():
        set_priority(ticket, priority=Priority.HIGH, actor=Actor.system("test"))

    # then: six runs acted, the seventh was skipped, and nothing ran after it
    outcomes = list(
        AutomationRun.objects.filter(ticket=ticket).order_by("pk").values_list("outcome", flat=True)
    )
    assert outcomes == [RunOutcome.DONE] * 6 + [RunOutcome.SKIPPED]
    skipped = AutomationRun.objects.get(ticket=ticket, outcome=RunOutcome.SKIPPED)
    assert skipped.detail == {"reason": "per_ticket_limit"}
    changes = Event.objects.filter(subject_id=ticket.pk, verb="ticket.priority_changed")
    assert changes.count() == 7  # the agent's and six by the triggers
    # and: the timeline says why it stopped
    entries, _earlier = ticket_timeline(ticket)
    texts = [e.event_text for e in entries]
    assert (
        texts.count("Rule “Naikkan” skipped: this ticket reached its automation runs for the hour")
        + texts.count(
            "Rule “Turunkan” skipped: this ticket reached its automation runs for the hour"
        )
        == 1
    )


def test_a_trigger_that_would_retrigger_itself_runs_once(handled):
    """A trigger on ticket.updated that changes the ticket does not run on its own change."""
    # given: a trigger that tags every updated ticket
    ticket = _ticket()
    rule = trigger(
        "Tandai setiap perubahan",
        events=["ticket.updated"],
        actions=[act("add_tags", "diubah"), act("set_priority", "urgent")],
    )

    # when
    with handled():
        set_priority(ticket, priority=Priority.HIGH, actor=Actor.system("test"))

    # then
    assert AutomationRun.objects.filter(rule=rule).count() == 1
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT


def test_an_event_handed_over_twice_runs_the_trigger_once(handled):
    """The worker may hand the same events over again (a task retried): the run key,
    claimed before acting, keeps it to one run."""
    # given: a trigger that already ran on a ticket's creation
    rule = trigger("Sekali", events=["ticket.created"], actions=[act("add_tags", "sekali")])
    with handled():
        ticket = _ticket()
    created = list(Event.objects.filter(subject_id=ticket.pk, verb="ticket.created"))

    # when: the same event arrives again
    with handled():
        on_events(created)

    # then
    assert AutomationRun.objects.filter(rule=rule).count() == 1
    assert Event.objects.filter(subject_id=ticket.pk, verb="automation.ran").count() == 1


def test_a_claimed_run_key_is_not_run_again():
    """run_rule returns None, and does nothing, for a key that ran already."""
    # given
    ticket = _ticket()
    rule = trigger("Kunci", events=["ticket.created"], actions=[act("add_tags", "kunci")])
    first = run_rule(rule, ticket, run_key="kunci-1")

    # when
    again = run_rule(rule, ticket, run_key="kunci-1")

    # then
    assert first is not None
    assert again is None
    assert AutomationRun.objects.filter(run_key="kunci-1").count() == 1

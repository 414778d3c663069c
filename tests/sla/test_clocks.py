"""SLA clocks driven by real events: tickets arrive through receive_inbound, agents reply
and change tickets through the conversation actions, and the worker's handlers run inline
(immediate queue) after each commit."""

import pytest

from sapa.conversations.actions import reply, set_priority, set_status
from sapa.conversations.models import Priority, TicketStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.models import ActorKind, Event
from sapa.sla.models import SlaClock, SlaMetric, SlaOutcome
from tests.factories import AgentFactory
from tests.sla.conftest import clock_of, receive_at, wib

# Handlers run after commit, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

HOUR = 3600


def _reply_at(ticket, moment, *, actor=None, status_after=None):
    with clock.frozen_at(moment):
        return reply(
            ticket,
            text="Baik Kak, kami cek dulu ya.",
            actor=actor or Actor.for_agent(AgentFactory()),
            status_after=status_after,
        )


def _status_at(ticket, moment, status):
    with clock.frozen_at(moment):
        set_status(ticket, status=status, actor=Actor.for_agent(AgentFactory()))


def test_a_ticket_received_friday_afternoon_is_due_saturday_late_morning(standard_policy):
    """The issue's example, end to end: a normal ticket (4 business hours to the first
    response) received Friday 16:30 WIB is due Saturday 11:30 WIB."""
    # when
    ticket = receive_at(wib(2026, 11, 27, 16, 30))
    # then
    first = clock_of(ticket, SlaMetric.FIRST_RESPONSE)
    assert first.due_at == wib(2026, 11, 28, 11, 30)
    assert first.target_seconds == 4 * HOUR
    assert first.policy == standard_policy
    # resolution: 24 business hours = Fri 0.5 h + Sat 9 h + Mon 9 h + Tue 5.5 h
    assert clock_of(ticket, SlaMetric.RESOLUTION).due_at == wib(2026, 12, 1, 13, 30)


def test_a_ticket_received_the_day_before_a_national_holiday_skips_it(standard_policy):
    """Tuesday 26 May 2026, 15:00: Idul Adha (Wednesday, national) and the cuti bersama after
    it (Thursday), both imported from the `holidays` package, are skipped."""
    ticket = receive_at(wib(2026, 5, 26, 15, 0))
    assert clock_of(ticket, SlaMetric.FIRST_RESPONSE).due_at == wib(2026, 5, 29, 10, 0)


def test_an_agent_reply_meets_the_first_response_and_a_bot_reply_does_not(standard_policy):
    """The bot answering keeps the first-response clock running; the agent's reply stops it."""
    # given
    ticket = receive_at(wib(2026, 11, 23, 9, 0))
    # when the bot answers, then an agent
    _reply_at(ticket, wib(2026, 11, 23, 9, 1), actor=Actor(kind=ActorKind.BOT, label="bot"))
    still = clock_of(ticket, SlaMetric.FIRST_RESPONSE)
    _reply_at(ticket, wib(2026, 11, 23, 10, 0))
    # then
    assert still.stopped_at is None
    first = clock_of(ticket, SlaMetric.FIRST_RESPONSE)
    assert (first.stopped_at, first.outcome, first.elapsed_seconds) == (
        wib(2026, 11, 23, 10, 0),
        SlaOutcome.MET,
        HOUR,
    )
    assert clock_of(ticket, SlaMetric.RESOLUTION).stopped_at is None


def test_the_customer_writing_again_starts_a_next_response_clock(standard_policy):
    """After the first response, each customer message waiting for an answer has a
    next-response clock; the agent's next reply stops it; a second message while one runs
    starts no other."""
    # given
    ticket = receive_at(wib(2026, 11, 23, 9, 0))
    _reply_at(ticket, wib(2026, 11, 23, 9, 30))
    # when
    receive_at(wib(2026, 11, 23, 16, 0), "sudah dicek belum min?")
    receive_at(wib(2026, 11, 23, 16, 5), "halo??")
    # then
    following = clock_of(ticket, SlaMetric.NEXT_RESPONSE)
    assert following.due_at == wib(2026, 11, 24, 11, 0)  # 1 h Monday + 3 h Tuesday
    assert SlaClock.objects.filter(ticket=ticket, metric=SlaMetric.NEXT_RESPONSE).count() == 1
    # when the agent answers, and the customer writes once more
    _reply_at(ticket, wib(2026, 11, 24, 8, 30))
    receive_at(wib(2026, 11, 24, 9, 0), "oke makasih, kapan sampai?")
    # then
    assert clock_of(ticket, SlaMetric.NEXT_RESPONSE).outcome == SlaOutcome.MET
    assert clock_of(ticket, SlaMetric.NEXT_RESPONSE, run=2).due_at == wib(2026, 11, 24, 13, 0)


def test_pending_on_the_customer_pauses_and_their_answer_resumes_the_resolution_clock(
    standard_policy,
):
    """Pending stops the clock (no due time); the customer's answer reopens the ticket and
    the clock resumes with the time it had left."""
    # given: 2 business hours spent
    ticket = receive_at(wib(2026, 11, 23, 9, 0))
    _reply_at(ticket, wib(2026, 11, 23, 11, 0), status_after=TicketStatus.PENDING)
    paused = clock_of(ticket, SlaMetric.RESOLUTION)
    # when the customer answers the next morning
    receive_at(wib(2026, 11, 24, 10, 0), "ini nomor resinya min")
    # then: 22 business hours left = Tue 7 h + Wed 9 h + Thu 6 h
    assert (paused.running_since, paused.due_at, paused.elapsed_seconds) == (None, None, 2 * HOUR)
    resolution = clock_of(ticket, SlaMetric.RESOLUTION)
    assert resolution.running_since == wib(2026, 11, 24, 10, 0)
    assert resolution.due_at == wib(2026, 11, 26, 14, 0)


def test_a_solved_ticket_reopened_keeps_the_resolution_time_spent(standard_policy):
    """Solving stops the resolution clock (met); reopening resumes the same clock."""
    # given
    ticket = receive_at(wib(2026, 11, 23, 9, 0))
    _reply_at(ticket, wib(2026, 11, 23, 12, 0), status_after=TicketStatus.SOLVED)
    solved = clock_of(ticket, SlaMetric.RESOLUTION)
    # when
    _status_at(ticket, wib(2026, 11, 24, 8, 0), TicketStatus.OPEN)
    # then
    assert (solved.outcome, solved.elapsed_seconds) == (SlaOutcome.MET, 3 * HOUR)
    again = clock_of(ticket, SlaMetric.RESOLUTION)
    assert (again.stopped_at, again.outcome) == (None, SlaOutcome.RUNNING)
    assert again.due_at == wib(2026, 11, 26, 11, 0)  # 21 h left: Tue 9, Wed 9, Thu 3


def test_a_priority_change_takes_the_new_targets_and_keeps_the_time_spent(standard_policy):
    """Normal (4 h) to urgent (30 min) after 20 business minutes: 10 minutes are left."""
    # given
    ticket = receive_at(wib(2026, 11, 23, 9, 0))
    # when
    with clock.frozen_at(wib(2026, 11, 23, 9, 20)):
        set_priority(ticket, priority=Priority.URGENT, actor=Actor.for_agent(AgentFactory()))
    # then
    first = clock_of(ticket, SlaMetric.FIRST_RESPONSE)
    assert (first.target_seconds, first.elapsed_seconds) == (30 * 60, 20 * 60)
    assert first.due_at == wib(2026, 11, 23, 9, 30)
    assert clock_of(ticket, SlaMetric.RESOLUTION).due_at == wib(2026, 11, 23, 13, 0)


def test_a_late_reply_records_the_breach_once(standard_policy):
    """A first response after the due time: outcome breached, one sla.breached Event at the
    due time, and re-handling the reply event changes nothing."""
    # given
    ticket = receive_at(wib(2026, 11, 23, 9, 0))
    # when
    _reply_at(ticket, wib(2026, 11, 23, 14, 0))
    from sapa.core.event_dispatch import dispatch

    dispatch(list(Event.objects.filter(subject_id=ticket.pk, subject_type="ticket")))
    # then
    first = clock_of(ticket, SlaMetric.FIRST_RESPONSE)
    assert (first.outcome, first.breached_at) == (SlaOutcome.BREACHED, wib(2026, 11, 23, 13, 0))
    breaches = Event.objects.filter(verb="sla.breached", subject_id=ticket.pk)
    assert [(e.after["metric"], e.actor_label) for e in breaches] == [("first_response", "sla")]
    assert SlaClock.objects.filter(ticket=ticket).count() == 2


def test_a_customer_in_no_policy_segment_gets_no_clocks(standard_policy):
    """With the only policy limited to VIP customers, others' tickets have no clocks."""
    standard_policy.customer_tags = ["vip"]
    standard_policy.save(update_fields=["customer_tags"])
    ticket = receive_at(wib(2026, 11, 23, 9, 0))
    assert not SlaClock.objects.filter(ticket=ticket).exists()

"""The minute sweep: reminder before the due time, the due notice, the follow-up to the
customer; each once, and never on a closed ticket or a settled promise."""

from datetime import timedelta

import pytest

from sapa.accounts.models import Presence
from sapa.conversations.actions import set_status
from sapa.conversations.models import (
    AuthorKind,
    Direction,
    Message,
    Notification,
    NotificationKind,
    TicketStatus,
)
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.promises import actions, timers
from sapa.promises.models import Promise
from sapa.promises.timers import SweepResult, run_due_steps
from tests.promises.conftest import moment, promise_due_in, ticket_in

pytestmark = pytest.mark.django_db

FOLLOW_UP = "Apakah pesanan Anda sudah diterima?"


def _sweep_at(when):
    with clock.frozen_at(when):
        return run_due_steps()


def _notified(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("agent__username", flat=True))


def _follow_ups():
    return list(Message.objects.filter(direction=Direction.OUTBOUND, text=FOLLOW_UP))


def test_reminder_due_notice_and_follow_up_each_come_at_their_time(ticket, rina):
    """An hour before: the owner is reminded; at the due time: asked whether it was kept,
    and the customer gets the follow-up on their channel. Later sweeps do nothing more."""
    # given a promise due at 3h, reminders an hour before
    start = moment()
    promise = promise_due_in(ticket, rina, at=start, follow_up_text=FOLLOW_UP)
    # when / then: too early
    assert _sweep_at(start + timedelta(hours=1, minutes=59)) == SweepResult()
    # the reminder
    assert _sweep_at(start + timedelta(hours=2)) == SweepResult(reminded=1)
    [reminder] = Notification.objects.filter(kind=NotificationKind.PROMISE_REMINDER)
    assert (reminder.agent_id, reminder.ticket_id) == (rina.pk, ticket.pk)
    assert reminder.detail.startswith("Buku dikirim ulang · ")
    assert reminder.actor_name == f"promise:{promise.pk}"
    # the due notice and the follow-up
    assert _sweep_at(start + timedelta(hours=3)) == SweepResult(due=1, followed_up=1)
    assert _notified(NotificationKind.PROMISE_DUE) == ["rina"]
    [message] = _follow_ups()
    assert (message.ticket_id, message.channel, message.author_kind) == (
        ticket.pk,
        "email",
        AuthorKind.SYSTEM,
    )
    assert message.to_address == "budi@example.com"
    promise.refresh_from_db()
    assert promise.follow_up_message_id == message.pk
    assert promise.follow_up_sent_at == start + timedelta(hours=3)
    verbs = list(
        Event.objects.filter(verb__startswith="promise.")
        .order_by("pk")
        .values_list("verb", "actor_label")
    )
    assert verbs == [
        ("promise.made", "rina"),
        ("promise.reminded", f"promise:{promise.pk}"),
        ("promise.due", f"promise:{promise.pk}"),
        ("promise.followed_up", f"promise:{promise.pk}"),
    ]
    # nothing twice
    assert _sweep_at(start + timedelta(hours=5)) == SweepResult()
    assert Notification.objects.count() == 2
    assert len(_follow_ups()) == 1


def test_a_promise_found_long_past_due_gets_each_step_once(ticket, rina):
    """A worker that was down for two days: one reminder, one due notice, one follow-up."""
    start = moment()
    promise_due_in(ticket, rina, at=start, follow_up_text=FOLLOW_UP)
    assert _sweep_at(start + timedelta(days=2)) == SweepResult(reminded=1, due=1, followed_up=1)
    assert _sweep_at(start + timedelta(days=2, minutes=1)) == SweepResult()
    assert _notified(NotificationKind.PROMISE_REMINDER) == ["rina"]
    assert _notified(NotificationKind.PROMISE_DUE) == ["rina"]
    assert len(_follow_ups()) == 1


def test_an_owner_who_is_away_has_the_team_reminded_too(ticket, rina, andi, sari, budi):
    """Andi is offline: his team (Rina, Sari) hears of his promise as well; Budi of another
    team does not."""
    start = moment()
    promise_due_in(ticket, andi, at=start)
    _sweep_at(start + timedelta(hours=2))
    assert _notified(NotificationKind.PROMISE_REMINDER) == ["andi", "rina", "sari"]


def test_without_a_team_the_supervisors_are_told(rina, andi, sari, budi):
    """A ticket in the shared queue whose owner is away: the supervisors hear of it."""
    ticket = ticket_in(None)
    start = moment()
    promise_due_in(ticket, andi, at=start)
    _sweep_at(start + timedelta(hours=3))
    assert _notified(NotificationKind.PROMISE_DUE) == ["andi", "sari"]


def test_an_online_owner_alone_is_told(ticket, rina, andi):
    rina.presence = Presence.ONLINE
    rina.save(update_fields=["presence"])
    start = moment()
    promise_due_in(ticket, rina, at=start)
    _sweep_at(start + timedelta(hours=3))
    assert _notified(NotificationKind.PROMISE_REMINDER) == ["rina"]
    assert _notified(NotificationKind.PROMISE_DUE) == ["rina"]


def test_no_follow_up_on_a_closed_ticket_and_the_reason_is_recorded(ticket, rina):
    # given a promise with a follow-up, on a ticket closed since
    start = moment()
    promise = promise_due_in(ticket, rina, at=start, follow_up_text=FOLLOW_UP)
    set_status(ticket, status=TicketStatus.CLOSED, actor=Actor.for_agent(rina))
    # when
    result = _sweep_at(start + timedelta(hours=3))
    # then the owner is still asked, but the customer gets nothing
    assert result == SweepResult(reminded=1, due=1, followed_up=1)
    assert _follow_ups() == []
    promise.refresh_from_db()
    assert promise.follow_up_message_id is None
    assert promise.follow_up_skipped == "the ticket is closed"
    [event] = Event.objects.filter(verb="promise.follow_up_skipped")
    assert event.after == {"promise_id": promise.pk, "why": "the ticket is closed"}
    assert _sweep_at(start + timedelta(hours=4)) == SweepResult()


def test_no_follow_up_or_due_notice_once_the_promise_was_kept(ticket, rina):
    start = moment()
    promise = promise_due_in(ticket, rina, at=start, follow_up_text=FOLLOW_UP)
    with clock.frozen_at(start + timedelta(hours=1)):
        actions.mark_kept(promise, actor=Actor.for_agent(rina))
    assert _sweep_at(start + timedelta(hours=3)) == SweepResult()
    assert _follow_ups() == []
    assert Notification.objects.count() == 0


def test_a_step_that_fails_is_rolled_back_and_retried(ticket, rina, monkeypatch):
    """The claim and the work commit together: when notifying fails, the stamp is not kept
    and the next sweep reminds."""
    start = moment()
    promise = promise_due_in(ticket, rina, at=start)

    def broken_notify(*args, **kwargs):
        raise RuntimeError("realtime down")

    monkeypatch.setattr(timers, "notify", broken_notify)
    assert _sweep_at(start + timedelta(hours=2)) == SweepResult()
    promise.refresh_from_db()
    assert promise.reminder_sent_at is None
    monkeypatch.undo()
    assert _sweep_at(start + timedelta(hours=2, minutes=1)) == SweepResult(reminded=1)
    assert Event.objects.filter(verb="promise.reminded").count() == 1
    assert Promise.objects.get().reminder_sent_at == start + timedelta(hours=2, minutes=1)

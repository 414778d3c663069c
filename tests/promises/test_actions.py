"""Making promises and settling them: the rules, who may, and the audit trail."""

from datetime import timedelta

import pytest

from sapa.conversations.actions import set_status
from sapa.conversations.exceptions import TicketClosed
from sapa.conversations.models import TicketStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, PermissionDenied
from sapa.core.models import Event
from sapa.customers.actions import merge_customers
from sapa.promises import actions
from sapa.promises.exceptions import InvalidDue, PromiseNotOpen
from sapa.promises.models import Promise, PromiseStatus
from tests.promises.conftest import moment, promise_due_in, ticket_in

pytestmark = pytest.mark.django_db


def _events(verb):
    return list(Event.objects.filter(verb=verb).order_by("pk"))


def test_a_promise_is_recorded_on_the_ticket_with_its_event(ticket, rina, andi):
    """The promise keeps the ticket's customer, the owner and who made it; the ticket's
    timeline gets a promise.made event."""
    # given
    now = moment()
    # when
    with clock.frozen_at(now):
        promise = actions.make_promise(
            ticket,
            text="  Buku dikirim   ulang ",
            due_at=now + timedelta(hours=5),
            owner=andi,
            follow_up_text="Apakah pesanan Anda sudah diterima?",
            actor=Actor.for_agent(rina),
        )
    # then
    promise.refresh_from_db()
    assert promise.text == "Buku dikirim ulang"
    assert promise.customer_id == ticket.customer_id
    assert (promise.owner_id, promise.created_by_id) == (andi.pk, rina.pk)
    assert promise.status == PromiseStatus.OPEN
    assert promise.remind_at == now + timedelta(hours=4)
    assert promise.follow_up_at == now + timedelta(hours=5)
    assert promise.reminder_sent_at is None
    [event] = _events("promise.made")
    assert (event.subject_type, event.subject_id, event.actor_agent_id) == (
        "ticket",
        ticket.pk,
        rina.pk,
    )
    assert event.after == {
        "promise_id": promise.pk,
        "text": "Buku dikirim ulang",
        "due_at": (now + timedelta(hours=5)).isoformat(),
        "owner_id": andi.pk,
        "follow_up": True,
    }


@pytest.mark.parametrize(
    ("text", "hours", "loc"),
    [("", 3, ["body", "text"]), ("x" * 501, 3, ["body", "text"]), ("Refund", -1, ["body", "due"])],
)
def test_bad_promises_are_refused_and_nothing_is_written(ticket, rina, text, hours, loc):
    """Empty or long text, or a due time in the past, names the field; nothing is stored."""
    with pytest.raises(InvalidInput) as raised:
        actions.make_promise(
            ticket,
            text=text,
            due_at=clock.now() + timedelta(hours=hours),
            owner=rina,
            actor=Actor.for_agent(rina),
        )
    assert raised.value.loc == loc
    assert Promise.objects.count() == 0
    assert _events("promise.made") == []


def test_the_owner_must_be_able_to_see_the_ticket(ticket, rina, budi):
    """A promise cannot be given to an agent who may not open the ticket."""
    promise_due_in(ticket, rina)
    with pytest.raises(InvalidInput) as raised:
        actions.make_promise(
            ticket,
            text="Refund",
            due_at=clock.now() + timedelta(hours=1),
            owner=budi,
            actor=Actor.for_agent(rina),
        )
    assert raised.value.loc == ["body", "owner_id"]
    assert list(Promise.objects.values_list("owner_id", flat=True)) == [rina.pk]


def test_no_promise_on_a_closed_ticket(ticket, rina):
    set_status(ticket, status=TicketStatus.CLOSED, actor=Actor.system("test"))
    with pytest.raises(TicketClosed):
        promise_due_in(ticket, rina)
    assert Promise.objects.count() == 0


def test_a_promise_made_inside_its_reminder_window_by_its_owner_needs_no_reminder(
    ticket, rina, andi
):
    """Due in 30 minutes with reminders an hour before: the owner who just made it is not
    reminded; a colleague who was given it is."""
    mine = promise_due_in(ticket, rina, hours=0.5)
    given = promise_due_in(ticket, andi, hours=0.5, by=rina)
    given.refresh_from_db()
    assert mine.reminder_sent_at is not None
    assert given.reminder_sent_at is None


@pytest.mark.parametrize(
    ("settle", "verb", "status"),
    [
        (actions.mark_kept, "promise.kept", PromiseStatus.KEPT),
        (actions.mark_broken, "promise.broken", PromiseStatus.BROKEN),
        (actions.cancel_promise, "promise.cancelled", PromiseStatus.CANCELLED),
    ],
)
def test_settling_records_who_when_and_why(ticket, rina, andi, settle, verb, status):
    # given
    promise = promise_due_in(ticket, rina)
    now = moment()
    # when
    with clock.frozen_at(now):
        settle(promise, note="kurir telat", actor=Actor.for_agent(rina))
    # then
    promise.refresh_from_db()
    assert (promise.status, promise.resolved_at, promise.resolved_by_id) == (status, now, rina.pk)
    assert promise.resolution_note == "kurir telat"
    [event] = _events(verb)
    assert event.subject_id == ticket.pk
    assert event.before == {"promise_id": promise.pk, "status": "open"}
    assert event.after["status"] == status


def test_only_the_owner_the_maker_and_supervisors_may_settle(ticket, rina, andi, sari):
    """A colleague who neither owns nor made the promise gets PermissionDenied and changes
    nothing; a supervisor may."""
    promise = promise_due_in(ticket, rina)
    with pytest.raises(PermissionDenied):
        actions.mark_kept(promise, actor=Actor.for_agent(andi))
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.OPEN
    actions.mark_broken(promise, actor=Actor.for_agent(sari))
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.BROKEN


def test_a_settled_promise_cannot_be_settled_again(ticket, rina):
    promise = promise_due_in(ticket, rina)
    actions.mark_kept(promise, actor=Actor.for_agent(rina))
    with pytest.raises(PromiseNotOpen):
        actions.mark_broken(promise, actor=Actor.for_agent(rina))
    assert len(_events("promise.kept")) == 1
    assert _events("promise.broken") == []


def test_rescheduling_moves_the_due_time_and_rearms_reminders(ticket, rina):
    """A new due time: reminder and due notice happen again, the follow-up moves along."""
    # given a promise whose reminder went out already
    now = moment()
    promise = promise_due_in(ticket, rina, at=now, follow_up_text="Sudah sampai?")
    Promise.objects.filter(pk=promise.pk).update(reminder_sent_at=now)
    # when
    with clock.frozen_at(now + timedelta(hours=1)):
        actions.reschedule_promise(
            promise, due_at=now + timedelta(days=1), actor=Actor.for_agent(rina)
        )
    # then
    promise.refresh_from_db()
    assert promise.due_at == promise.follow_up_at == now + timedelta(days=1)
    assert promise.remind_at == now + timedelta(days=1, hours=-1)
    assert promise.reminder_sent_at is None
    [event] = _events("promise.rescheduled")
    assert event.before["due_at"] == (now + timedelta(hours=3)).isoformat()
    with pytest.raises(InvalidDue):
        actions.reschedule_promise(promise, due_at=now, actor=Actor.for_agent(rina))


def test_promises_follow_their_tickets_when_customers_are_merged(
    team, rina, sari, django_capture_on_commit_callbacks
):
    """The customer panel lists promises by customer: after a merge they belong to the
    surviving customer."""
    # given a promise to a customer who turns out to be someone else's duplicate
    first = ticket_in(team, email="budi@example.com")
    second = ticket_in(team, email="budi.santoso@example.com")
    promise = promise_due_in(second, rina)
    # when (the promises handler runs once the merge commits)
    with django_capture_on_commit_callbacks(execute=True):
        merge_customers(second.customer, into=first.customer, actor=Actor.for_agent(sari))
    # then
    promise.refresh_from_db()
    assert promise.customer_id == first.customer_id

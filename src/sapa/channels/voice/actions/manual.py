"""An agent logs a call by hand on a ticket (a call on a phone Sapa does not run, or one
made from a mobile): its record, its message in the timeline, and optionally the promise
made during the call."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from sapa.accounts.permissions import Permission, require
from sapa.channels.kinds import PHONE_KINDS, Channel
from sapa.channels.voice.call_log import call_meta, call_text
from sapa.channels.voice.models import CallDirection, CallOutcome, CallRecord
from sapa.conversations.actions.locking import lock_ticket
from sapa.conversations.exceptions import TicketClosed
from sapa.conversations.models import AuthorKind, Direction, Message, Ticket, TicketStatus
from sapa.conversations.realtime import announce_ticket_change
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.customers.models import Identity
from sapa.promises.actions import make_promise

MAX_DURATION_MINUTES = 24 * 60
SUMMARY_MAX_CHARS = 4000


@dataclass(frozen=True)
class ManualCall:
    """What the console's "Log a call" form says about one call."""

    direction: str
    duration_minutes: int
    outcome: str
    summary: str = ""
    # A promise made on the call: both or neither.
    promise_text: str = ""
    promise_due_at: datetime | None = None


def _check(call: ManualCall) -> None:
    if call.direction not in CallDirection.values:
        raise InvalidInput(_("Say whether the customer called or was called."), loc=["direction"])
    if call.outcome not in CallOutcome.values or call.outcome == CallOutcome.IN_PROGRESS:
        raise InvalidInput(_("Say how the call ended."), loc=["outcome"])
    if not 0 <= call.duration_minutes <= MAX_DURATION_MINUTES:
        raise InvalidInput(
            _("Give the call's length in minutes, at most a day."), loc=["duration_minutes"]
        )
    if len(call.summary) > SUMMARY_MAX_CHARS:
        raise InvalidInput(
            _("The summary is longer than %(limit)d characters.") % {"limit": SUMMARY_MAX_CHARS},
            loc=["summary"],
        )
    if bool(call.promise_text.strip()) != (call.promise_due_at is not None):
        raise InvalidInput(
            _("A promise needs both what was promised and by when."), loc=["promise_text"]
        )


def log_call(ticket: Ticket, *, call: ManualCall, actor: Actor) -> CallRecord:
    """Record a call the acting agent had with the ticket's customer: a CallRecord (no line,
    a `manual:` id) and a message on the ticket's phone channel, written by the agent, that
    the timeline shows as a call card; with a promise, also `make_promise` (owner: the
    agent). All in one transaction: a refused promise logs no call.

    Raises PermissionDenied, TicketClosed, InvalidInput (direction, outcome,
    duration_minutes, summary, promise_text), InvalidDue and what make_promise raises.
    """
    require(actor, Permission.REPLY)
    _check(call)
    if actor.agent is None:
        raise InvalidInput(_("Only an agent can log a call."), loc=["actor"])
    now = clock.now()
    seconds = call.duration_minutes * 60
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if ticket.status == TicketStatus.CLOSED:
            raise TicketClosed()
        number = (
            Identity.objects.filter(customer_id=ticket.customer_id, kind__in=list(PHONE_KINDS))
            .order_by("pk")
            .values_list("value", flat=True)
            .first()
        )
        record = CallRecord.objects.create(
            call_sid="manual:" + secrets.token_hex(12),
            direction=call.direction,
            caller=number or "",
            customer_id=ticket.customer_id,
            ticket=ticket,
            agent=actor.agent,
            outcome=call.outcome,
            started_at=now - timedelta(seconds=seconds),
            ended_at=now,
            duration_seconds=seconds,
            summary=call.summary.strip(),
        )
        message = Message.objects.create(
            ticket=ticket,
            direction=Direction.INBOUND
            if call.direction == CallDirection.INBOUND
            else Direction.OUTBOUND,
            channel=Channel.PHONE,
            author_kind=AuthorKind.AGENT,
            author_agent=actor.agent,
            text=call_text(record),
            meta={"call": call_meta(record)},
            created_at=now,
        )
        record.message = message
        record.save(update_fields=["message"])
        ticket.last_message_at = now
        ticket.last_activity_at = now
        ticket.save(update_fields=["last_message_at", "last_activity_at", "updated_at"])
        record_event(
            actor,
            "call.logged",
            record,
            after={
                "ticket_id": ticket.pk,
                "direction": call.direction,
                "outcome": call.outcome,
                "duration_seconds": seconds,
                "message_id": message.pk,
            },
        )
        if call.promise_due_at is not None:
            make_promise(
                ticket,
                text=call.promise_text,
                due_at=call.promise_due_at,
                owner=actor.agent,
                actor=actor,
            )
        announce_ticket_change(
            ticket_id=ticket.pk,
            team_id=ticket.team_id,
            assignee_id=ticket.assignee_id,
            kind="message",
        )
    return record

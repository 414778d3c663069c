"""Making promises and settling them: kept, broken, cancelled, rescheduled. What the
worker does as they fall due (reminder, due notice, follow-up) is in sapa.promises.timers."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sapa.accounts.models import Agent, Role
from sapa.accounts.permissions import Permission, require
from sapa.conversations.actions.locking import lock_ticket
from sapa.conversations.exceptions import TicketClosed
from sapa.conversations.models import Ticket, TicketStatus
from sapa.conversations.queries import visible_tickets
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, PermissionDenied
from sapa.promises.exceptions import InvalidDue, PromiseNotOpen
from sapa.promises.models import Promise, PromiseStatus

TEXT_MAX_CHARS = 500


def make_promise(
    ticket: Ticket,
    *,
    text: str,
    due_at: datetime,
    owner: Agent,
    actor: Actor,
    follow_up_text: str = "",
) -> Promise:
    """Record that `owner` promised the ticket's customer `text` by `due_at`; with
    `follow_up_text`, that message goes to the customer at the due time.

    The owner is reminded SAPA_PROMISE_REMIND_MINUTES before; when that moment has passed
    already and the owner made the promise themself, there is nothing to remind them of.
    Locks the ticket. A "promise.made" Event on the ticket. Raises PermissionDenied,
    TicketClosed, InvalidDue, InvalidInput (text, owner_id, follow_up_text).
    """
    require(actor, Permission.REPLY)
    text = _checked_text(text)
    follow_up_text = follow_up_text.strip()
    if len(follow_up_text) > settings.SAPA_MAX_MESSAGE_CHARS:
        raise InvalidInput(_("The follow-up message is too long."), loc=["body", "follow_up_text"])
    now = clock.now()
    _check_due(due_at, now)
    if not owner.is_active or not visible_tickets(owner).filter(pk=ticket.pk).exists():
        raise InvalidInput(
            _("%(name)s cannot see this ticket; choose another owner.")
            % {"name": owner.display_name},
            loc=["body", "owner_id"],
        )
    remind_minutes = settings.SAPA_PROMISE_REMIND_MINUTES
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if ticket.status == TicketStatus.CLOSED:
            raise TicketClosed()
        made_by_owner = actor.agent is not None and actor.agent.pk == owner.pk
        remind_at = due_at - timedelta(minutes=remind_minutes)
        promise = Promise.objects.create(
            ticket=ticket,
            customer_id=ticket.customer_id,
            owner=owner,
            created_by=actor.agent,
            text=text,
            due_at=due_at,
            remind_before_minutes=remind_minutes,
            remind_at=remind_at,
            reminder_sent_at=now if made_by_owner and remind_at <= now else None,
            follow_up_text=follow_up_text,
            follow_up_at=due_at if follow_up_text else None,
            created_at=now,
        )
        record_event(
            actor,
            "promise.made",
            ticket,
            after={
                "promise_id": promise.pk,
                "text": text,
                "due_at": due_at.isoformat(),
                "owner_id": owner.pk,
                "follow_up": bool(follow_up_text),
            },
        )
    return promise


def mark_kept(promise: Promise, *, actor: Actor, note: str = "") -> Promise:
    """The promise was kept. A "promise.kept" Event. Raises PermissionDenied, PromiseNotOpen."""
    return _settle(promise, PromiseStatus.KEPT, actor=actor, note=note)


def mark_broken(promise: Promise, *, actor: Actor, note: str = "") -> Promise:
    """The promise was not kept (`note`: why). A "promise.broken" Event. Raises
    PermissionDenied, PromiseNotOpen."""
    return _settle(promise, PromiseStatus.BROKEN, actor=actor, note=note)


def cancel_promise(promise: Promise, *, actor: Actor, note: str = "") -> Promise:
    """The promise no longer applies (made by mistake, the customer withdrew). Not counted
    as kept or broken. A "promise.cancelled" Event. Raises PermissionDenied, PromiseNotOpen."""
    return _settle(promise, PromiseStatus.CANCELLED, actor=actor, note=note)


def reschedule_promise(promise: Promise, *, due_at: datetime, actor: Actor) -> Promise:
    """Move the due time (the customer agreed to a later one): the reminder and the due
    notice happen again for the new time, and an unsent follow-up moves with it.
    A "promise.rescheduled" Event. Raises PermissionDenied, PromiseNotOpen, InvalidDue."""
    _require_may_change(promise, actor)
    now = clock.now()
    _check_due(due_at, now)
    with transaction.atomic():
        promise = _lock_open(promise)
        before = promise.due_at
        promise.due_at = due_at
        promise.remind_at = due_at - timedelta(minutes=promise.remind_before_minutes)
        promise.reminder_sent_at = None
        promise.due_notified_at = None
        fields = ["due_at", "remind_at", "reminder_sent_at", "due_notified_at"]
        if promise.follow_up_text and promise.follow_up_sent_at is None:
            promise.follow_up_at = due_at
            fields.append("follow_up_at")
        promise.save(update_fields=fields)
        record_event(
            actor,
            "promise.rescheduled",
            promise.ticket,
            before={"promise_id": promise.pk, "due_at": before.isoformat()},
            after={"promise_id": promise.pk, "due_at": due_at.isoformat()},
        )
    return promise


def move_to_customer(*, from_customer_id: int, into_customer_id: int) -> int:
    """Promises of a customer merged into another follow their tickets (the customer panel
    lists promises by customer). Idempotent; returns how many moved. No Event: the
    customer.merged Event is the record."""
    return Promise.objects.filter(customer_id=from_customer_id).update(customer_id=into_customer_id)


def may_change(promise: Promise, agent: Agent) -> bool:
    """Whether `agent` may settle or reschedule `promise`: its owner, whoever made it, and
    supervisors and admins."""
    if not agent.is_active:
        return False
    if agent.is_superuser or agent.role in (Role.SUPERVISOR, Role.ADMIN):
        return True
    return agent.pk in (promise.owner_id, promise.created_by_id)


def _require_may_change(promise: Promise, actor: Actor) -> None:
    if actor.agent is not None and not may_change(promise, actor.agent):
        raise PermissionDenied(
            _("Only the promise's owner, whoever made it, or a supervisor may change it.")
        )


def _settle(promise: Promise, status: PromiseStatus, *, actor: Actor, note: str) -> Promise:
    _require_may_change(promise, actor)
    note = note.strip()[:TEXT_MAX_CHARS]
    with transaction.atomic():
        promise = _lock_open(promise)
        promise.status = status
        promise.resolved_at = clock.now()
        promise.resolved_by = actor.agent
        promise.resolution_note = note
        promise.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])
        record_event(
            actor,
            f"promise.{status}",
            promise.ticket,
            before={"promise_id": promise.pk, "status": PromiseStatus.OPEN},
            after={
                "promise_id": promise.pk,
                "status": status,
                "text": promise.text,
                "owner_id": promise.owner_id,
                "note": note,
            },
        )
    return promise


def _lock_open(promise: Promise) -> Promise:
    locked = Promise.objects.select_for_update().select_related("ticket").get(pk=promise.pk)
    if locked.status != PromiseStatus.OPEN:
        raise PromiseNotOpen()
    return locked


def _checked_text(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise InvalidInput(_("Say what was promised."), loc=["body", "text"])
    if len(text) > TEXT_MAX_CHARS:
        raise InvalidInput(
            _("At most %(limit)d characters.") % {"limit": TEXT_MAX_CHARS}, loc=["body", "text"]
        )
    return text


def _check_due(due_at: datetime, now: datetime) -> None:
    if timezone.is_naive(due_at):
        raise InvalidDue()
    if due_at <= now:
        raise InvalidDue(_("The due time has passed already; give a time in the future."))

"""What the worker does as promises fall due, once a minute (sapa.promises.tasks):

1. the reminder, `remind_before_minutes` before the due time, to the owner, and to their
   team as well when the owner is not online;
2. the due notice at the due time ("was it kept?"), to the same people;
3. the follow-up message to the customer, when the promise has one and is still open.

Each step is claimed by a conditional UPDATE of its stamp (`reminder_sent_at`,
`due_notified_at`, `follow_up_sent_at`) inside the transaction that does the work: of two
workers scanning at once, only the one whose UPDATE changed the row goes on, and a crash
rolls the stamp back with the work, so the next sweep does it again. A promise found late
(a worker that was down, a promise imported past due) gets each step once, not a burst.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sapa.accounts.models import Agent, Presence, Role
from sapa.conversations.actions import reply
from sapa.conversations.actions.notifications import notify
from sapa.conversations.models import NotificationKind, TicketStatus
from sapa.conversations.reply_routing import reply_options
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import SapaError
from sapa.customers.models import Identity
from sapa.promises.actions import move_to_customer
from sapa.promises.models import Promise, PromiseStatus

logger = logging.getLogger(__name__)

# Promises handled per step and sweep; the rest wait a minute.
BATCH = 200


@dataclass(frozen=True)
class SweepResult:
    reminded: int = 0
    due: int = 0
    followed_up: int = 0


def run_due_steps(*, batch: int = BATCH) -> SweepResult:
    """Do every step that has come due. Safe to run on several workers at once."""
    now = clock.now()
    _follow_merged_customers()
    open_promises = Promise.objects.filter(status=PromiseStatus.OPEN)
    reminders = open_promises.filter(reminder_sent_at__isnull=True, remind_at__lte=now)
    dues = open_promises.filter(due_notified_at__isnull=True, due_at__lte=now)
    follow_ups = open_promises.filter(
        follow_up_sent_at__isnull=True, follow_up_at__lte=now
    ).exclude(follow_up_text="")
    return SweepResult(
        reminded=_each(reminders.order_by("remind_at"), "reminder_sent_at", _remind, now, batch),
        due=_each(dues.order_by("due_at"), "due_notified_at", _notify_due, now, batch),
        followed_up=_each(
            follow_ups.order_by("follow_up_at"), "follow_up_sent_at", _follow_up, now, batch
        ),
    )


def _each(
    candidates: QuerySet[Promise],
    stamp: str,
    step: Callable[[Promise, datetime], None],
    now: datetime,
    batch: int,
) -> int:
    done = 0
    for pk in list(candidates.values_list("pk", flat=True)[:batch]):
        try:
            with transaction.atomic():
                claimed = Promise.objects.filter(
                    pk=pk, status=PromiseStatus.OPEN, **{f"{stamp}__isnull": True}
                ).update(**{stamp: now})
                if not claimed:
                    continue  # another worker has it, or it was settled meanwhile
                promise = Promise.objects.select_related("ticket", "owner").get(pk=pk)
                step(promise, now)
                done += 1
        except Exception:
            # One broken promise must not stop the others; its stamp rolled back, so the
            # next sweep tries again.
            logger.exception("promise %s: %s step failed", pk, stamp)
    return done


def _actor(promise: Promise) -> Actor:
    return Actor.automation(f"promise:{promise.pk}")


def _detail(promise: Promise) -> str:
    due = timezone.localtime(promise.due_at).strftime("%d/%m %H:%M")
    return f"{promise.text} · {due}"


def _people_to_tell(promise: Promise) -> list[Agent]:
    """The owner; and, when the owner is not online, the agents of the ticket's team (the
    supervisors when it has none), so that someone keeps the promise."""
    owner = promise.owner
    if owner.presence == Presence.ONLINE:
        return [owner]
    team_id = promise.ticket.team_id
    others = Agent.objects.filter(is_active=True).exclude(pk=owner.pk)
    if team_id is not None:
        others = others.filter(teams=team_id)
    else:
        others = others.filter(role__in=(Role.SUPERVISOR, Role.ADMIN))
    return [owner, *others.order_by("pk")]


def _remind(promise: Promise, now: datetime) -> None:
    people = _people_to_tell(promise)
    actor = _actor(promise)
    notify(
        people,
        ticket=promise.ticket,
        kind=NotificationKind.PROMISE_REMINDER,
        actor=actor,
        detail=_detail(promise),
    )
    record_event(
        actor,
        "promise.reminded",
        promise.ticket,
        after={"promise_id": promise.pk, "agent_ids": [a.pk for a in people]},
    )


def _notify_due(promise: Promise, now: datetime) -> None:
    people = _people_to_tell(promise)
    actor = _actor(promise)
    notify(
        people,
        ticket=promise.ticket,
        kind=NotificationKind.PROMISE_DUE,
        actor=actor,
        detail=_detail(promise),
    )
    record_event(
        actor,
        "promise.due",
        promise.ticket,
        after={
            "promise_id": promise.pk,
            "owner_id": promise.owner_id,
            "due_at": promise.due_at.isoformat(),
            "agent_ids": [a.pk for a in people],
        },
    )


def _follow_up(promise: Promise, now: datetime) -> None:
    """Send the follow-up on the channel a reply would take; when it cannot go (the ticket
    is closed, no address, the address bounces, the channel refuses), record why."""
    actor = _actor(promise)
    skipped = _why_not_follow_up(promise)
    if not skipped:
        try:
            message = reply(promise.ticket, text=promise.follow_up_text, actor=actor)
        except SapaError as error:
            skipped = str(error.message)
        else:
            promise.follow_up_message = message
            promise.save(update_fields=["follow_up_message"])
            record_event(
                actor,
                "promise.followed_up",
                promise.ticket,
                after={"promise_id": promise.pk, "message_id": message.pk},
            )
            return
    logger.info("promise %s: follow-up not sent: %s", promise.pk, skipped)
    promise.follow_up_skipped = skipped[:300]
    promise.save(update_fields=["follow_up_skipped"])
    record_event(
        actor,
        "promise.follow_up_skipped",
        promise.ticket,
        after={"promise_id": promise.pk, "why": skipped},
    )


def _why_not_follow_up(promise: Promise) -> str:
    if promise.ticket.status == TicketStatus.CLOSED:
        return "the ticket is closed"
    options = reply_options(promise.ticket)
    if not options:
        return "the customer has no address a message can go to"
    if Identity.objects.filter(value=options[0].address, bouncing_since__isnull=False).exists():
        return f"{options[0].address} bounces"
    return ""


def _follow_merged_customers() -> None:
    """Repair what a lost customer.merged_away event left: promises of a merged customer."""
    stale = (
        Promise.objects.filter(status=PromiseStatus.OPEN, customer__merged_into__isnull=False)
        .values_list("customer_id", "customer__merged_into_id")
        .distinct()
    )
    for from_id, into_id in list(stale[:BATCH]):
        if into_id is not None:
            move_to_customer(from_customer_id=from_id, into_customer_id=into_id)

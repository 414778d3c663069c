"""Changing a ticket's status, priority, assignee, team and tags."""

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from django.db import transaction

from sapa.accounts.models import Agent, Team
from sapa.accounts.permissions import Permission, require
from sapa.conversations.actions.locking import lock_ticket
from sapa.conversations.actions.notifications import notify
from sapa.conversations.exceptions import InvalidStatusChange, TicketClosed
from sapa.conversations.models import (
    PRIORITY_RANK,
    NotificationKind,
    Priority,
    Ticket,
    TicketStatus,
)
from sapa.conversations.realtime import announce_ticket_change
from sapa.core import clock
from sapa.core.actions import PendingEvent, ensure_tags, pending_event, record_events
from sapa.core.actors import Actor

T = TypeVar("T")


@dataclass(frozen=True)
class Change(Generic[T]):
    """A requested new value; `Change(None)` clears the field, no Change leaves it alone."""

    value: T


@dataclass(frozen=True)
class TicketChanges:
    status: TicketStatus | None = None
    priority: Priority | None = None
    assignee: Change[Agent | None] | None = None
    team: Change[Team | None] | None = None
    # The complete new set of tag names (normalised), or None to leave tags alone.
    tags: list[str] | None = None


def apply_status(
    ticket: Ticket, status: TicketStatus, *, now: datetime, events: list[PendingEvent]
) -> list[str]:
    """Set `status` on the (locked) ticket in memory; return the fields to save.

    Closed is final; nothing goes back to new. Raises TicketClosed, InvalidStatusChange.
    """
    if status == ticket.status:
        return []
    if ticket.status == TicketStatus.CLOSED:
        raise TicketClosed()
    if status == TicketStatus.NEW:
        raise InvalidStatusChange()
    before = ticket.status
    ticket.status = status
    fields = ["status"]
    if status == TicketStatus.SOLVED:
        ticket.solved_at = now
        fields.append("solved_at")
    elif status == TicketStatus.CLOSED:
        ticket.closed_at = now
        ticket.solved_at = ticket.solved_at or now
        fields += ["closed_at", "solved_at"]
    elif before == TicketStatus.SOLVED:
        ticket.solved_at = None
        fields.append("solved_at")
    events.append(
        pending_event(
            "ticket.status_changed", ticket, before={"status": before}, after={"status": status}
        )
    )
    return fields


def _apply_priority(ticket: Ticket, priority: Priority, events: list[PendingEvent]) -> list[str]:
    if priority == ticket.priority:
        return []
    events.append(
        pending_event(
            "ticket.priority_changed",
            ticket,
            before={"priority": ticket.priority},
            after={"priority": priority},
        )
    )
    ticket.priority = priority
    ticket.priority_rank = PRIORITY_RANK[priority]
    return ["priority", "priority_rank"]


def _apply_assignee(
    ticket: Ticket, assignee: Agent | None, events: list[PendingEvent]
) -> list[str]:
    if (assignee.pk if assignee else None) == ticket.assignee_id:
        return []
    events.append(
        pending_event(
            "ticket.assigned",
            ticket,
            before={"assignee_id": ticket.assignee_id},
            after={"assignee_id": assignee.pk if assignee else None},
        )
    )
    ticket.assignee = assignee
    return ["assignee"]


def _apply_team(ticket: Ticket, team: Team | None, events: list[PendingEvent]) -> list[str]:
    if (team.pk if team else None) == ticket.team_id:
        return []
    events.append(
        pending_event(
            "ticket.team_changed",
            ticket,
            before={"team_id": ticket.team_id},
            after={"team_id": team.pk if team else None},
        )
    )
    ticket.team = team
    return ["team"]


def _apply_tags(
    ticket: Ticket, *, add: list[str], remove: list[str], events: list[PendingEvent]
) -> None:
    current = set(ticket.tags.values_list("name", flat=True))
    wanted = (current | set(add)) - set(remove)
    if wanted == current:
        return
    ticket.tags.set(ensure_tags(wanted))
    events.append(
        pending_event(
            "ticket.tagged",
            ticket,
            before={"tags": sorted(current)},
            after={"tags": sorted(wanted)},
        )
    )


def change_ticket(ticket: Ticket, changes: TicketChanges, *, actor: Actor) -> Ticket:
    """Apply several changes at once, all or nothing, one Event per changed aspect.

    Raises PermissionDenied, TicketClosed, InvalidStatusChange.
    """
    require(actor, Permission.UPDATE_TICKET)
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if ticket.status == TicketStatus.CLOSED and changes != TicketChanges():
            raise TicketClosed()
        now = clock.now()
        before = (ticket.team_id, ticket.assignee_id)
        events: list[PendingEvent] = []
        fields: list[str] = []
        if changes.priority is not None:
            fields += _apply_priority(ticket, changes.priority, events)
        if changes.assignee is not None:
            fields += _apply_assignee(ticket, changes.assignee.value, events)
        if changes.team is not None:
            fields += _apply_team(ticket, changes.team.value, events)
        if changes.tags is not None:
            current = set(ticket.tags.values_list("name", flat=True))
            _apply_tags(
                ticket,
                add=sorted(set(changes.tags) - current),
                remove=sorted(current - set(changes.tags)),
                events=events,
            )
        if changes.status is not None:
            fields += apply_status(ticket, changes.status, now=now, events=events)
        if events:
            ticket.last_activity_at = now
            ticket.save(update_fields=[*dict.fromkeys(fields), "last_activity_at", "updated_at"])
            record_events(actor, events)
            _announce(ticket, before=before, actor=actor)
    return ticket


def _announce(ticket: Ticket, *, before: tuple[int | None, int | None], actor: Actor) -> None:
    """Tell consoles of the ticket's old and new team and assignee; notify a new assignee."""
    _team_before, assignee_before = before
    for team_id, assignee_id in {before, (ticket.team_id, ticket.assignee_id)}:
        announce_ticket_change(
            ticket_id=ticket.pk, team_id=team_id, assignee_id=assignee_id, kind="update"
        )
    if ticket.assignee is not None and ticket.assignee_id != assignee_before:
        notify([ticket.assignee], ticket=ticket, kind=NotificationKind.ASSIGNED, actor=actor)


def set_status(ticket: Ticket, *, status: TicketStatus, actor: Actor) -> Ticket:
    return change_ticket(ticket, TicketChanges(status=status), actor=actor)


def set_priority(ticket: Ticket, *, priority: Priority, actor: Actor) -> Ticket:
    return change_ticket(ticket, TicketChanges(priority=priority), actor=actor)


def assign_ticket(ticket: Ticket, *, assignee: Agent | None, actor: Actor) -> Ticket:
    """Give the ticket to `assignee` (None: back to the team queue)."""
    return change_ticket(ticket, TicketChanges(assignee=Change(assignee)), actor=actor)


def set_team(ticket: Ticket, *, team: Team | None, actor: Actor) -> Ticket:
    return change_ticket(ticket, TicketChanges(team=Change(team)), actor=actor)


def tag_ticket(
    ticket: Ticket, *, add: list[str], actor: Actor, remove: list[str] | None = None
) -> Ticket:
    """Add and remove tags (names already normalised)."""
    require(actor, Permission.UPDATE_TICKET)
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if ticket.status == TicketStatus.CLOSED:
            raise TicketClosed()
        events: list[PendingEvent] = []
        _apply_tags(ticket, add=add, remove=remove or [], events=events)
        if events:
            ticket.last_activity_at = clock.now()
            ticket.save(update_fields=["last_activity_at", "updated_at"])
            record_events(actor, events)
            _announce(ticket, before=(ticket.team_id, ticket.assignee_id), actor=actor)
    return ticket

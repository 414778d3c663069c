"""Named reads of tickets and messages, always through the reader's visibility."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from sapa.accounts.models import Agent, Role
from sapa.accounts.queries import team_ids_of
from sapa.conversations.exceptions import TicketNotFound
from sapa.conversations.message_search import tickets_with_words
from sapa.conversations.models import Message, Ticket
from sapa.core.cursors import decode_cursor, encode_cursor


def can_see_all_tickets(agent: Agent) -> bool:
    return agent.is_superuser or agent.role == Role.ADMIN


def visible_tickets(agent: Agent) -> QuerySet[Ticket]:
    """Tickets `agent` may see: admins all; others those of their teams, those assigned to
    them, and those not yet given to any team (the shared queue)."""
    tickets = Ticket.objects.all()
    if can_see_all_tickets(agent):
        return tickets
    if agent.role == Role.CLERK:
        # A store clerk logs visits; they read no conversations, through any door.
        return tickets.none()
    return tickets.filter(
        Q(team__isnull=True) | Q(team_id__in=team_ids_of(agent)) | Q(assignee=agent)
    )


def _for_display(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.select_related("customer", "assignee", "team").prefetch_related("tags")


def access_ticket(agent: Agent, ticket_id: int) -> Ticket:
    """The ticket, if `agent` may see it; TicketNotFound otherwise (also when it exists)."""
    ticket = _for_display(visible_tickets(agent)).filter(pk=ticket_id).first()
    if ticket is None:
        raise TicketNotFound()
    return ticket


def get_ticket_for_display(ticket_id: int) -> Ticket:
    """The ticket with what a view shows, without a visibility check: only for callers that
    passed `access_ticket` for it in the same request."""
    return _for_display(Ticket.objects.all()).get(pk=ticket_id)


class TicketSort(StrEnum):
    ACTIVITY = "activity"  # most recent activity first
    PRIORITY = "priority"  # urgent first, then most recent activity
    AGE = "age"  # oldest first (who has waited longest)


@dataclass(frozen=True)
class TicketFilters:
    statuses: tuple[str, ...] = ()
    priority: str | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    team_id: int | None = None
    team_ids: tuple[int, ...] | None = None
    channel: str | None = None
    customer_id: int | None = None
    tag: str | None = None
    text: str = ""
    # Only tickets with an SLA target due at or before this moment (the Overdue view).
    overdue_at: datetime | None = None


def _filtered(tickets: QuerySet[Ticket], filters: TicketFilters) -> QuerySet[Ticket]:
    if filters.statuses:
        tickets = tickets.filter(status__in=filters.statuses)
    if filters.priority:
        tickets = tickets.filter(priority=filters.priority)
    if filters.unassigned:
        tickets = tickets.filter(assignee__isnull=True)
    elif filters.assignee_id is not None:
        tickets = tickets.filter(assignee_id=filters.assignee_id)
    if filters.team_id is not None:
        tickets = tickets.filter(team_id=filters.team_id)
    if filters.team_ids is not None:
        tickets = tickets.filter(team_id__in=filters.team_ids)
    if filters.channel:
        tickets = tickets.filter(origin_channel=filters.channel)
    if filters.customer_id is not None:
        tickets = tickets.filter(customer_id=filters.customer_id)
    if filters.tag:
        tickets = tickets.filter(tags__name=filters.tag)
    if filters.overdue_at is not None:
        from sapa.sla.queries import overdue_condition  # sla sits above conversations

        tickets = tickets.filter(overdue_condition(filters.overdue_at))
    text = filters.text.strip()
    if text:
        number = text.lstrip("#")
        by_text = Q(subject__icontains=text) | Q(customer__name__icontains=text)
        in_messages = tickets_with_words(text)
        if in_messages is not None:
            by_text |= in_messages
        tickets = tickets.filter(Q(number=int(number)) | by_text if number.isdigit() else by_text)
    return tickets


# Each sort: its ORDER BY, and the keyset condition "after this cursor". Every condition
# repeats the leading key as a plain bound so the index seeks to the cursor.
_ORDER = {
    TicketSort.ACTIVITY: ("-last_activity_at", "-id"),
    TicketSort.PRIORITY: ("priority_rank", "-last_activity_at", "-id"),
    TicketSort.AGE: ("created_at", "id"),
}
_CURSOR_SHAPE: dict[TicketSort, tuple[type, ...]] = {
    TicketSort.ACTIVITY: (datetime, int),
    TicketSort.PRIORITY: (int, datetime, int),
    TicketSort.AGE: (datetime, int),
}


def _after(sort: TicketSort, values: list[Any]) -> Q:
    if sort == TicketSort.ACTIVITY:
        at, pk = values
        return Q(last_activity_at__lte=at) & (
            Q(last_activity_at__lt=at) | Q(last_activity_at=at, id__lt=pk)
        )
    if sort == TicketSort.AGE:
        at, pk = values
        return Q(created_at__gte=at) & (Q(created_at__gt=at) | Q(created_at=at, id__gt=pk))
    rank, at, pk = values
    same_rank_later = Q(last_activity_at__lt=at) | Q(last_activity_at=at, id__lt=pk)
    return Q(priority_rank__gte=rank) & (
        Q(priority_rank__gt=rank) | (Q(priority_rank=rank) & same_rank_later)
    )


def _cursor_of(sort: TicketSort, ticket: Ticket) -> str:
    if sort == TicketSort.ACTIVITY:
        return encode_cursor(ticket.last_activity_at, ticket.pk)
    if sort == TicketSort.AGE:
        return encode_cursor(ticket.created_at, ticket.pk)
    return encode_cursor(ticket.priority_rank, ticket.last_activity_at, ticket.pk)


def list_tickets(
    agent: Agent,
    filters: TicketFilters,
    *,
    cursor: str | None,
    limit: int,
    sort: TicketSort = TicketSort.ACTIVITY,
) -> tuple[list[Ticket], str | None]:
    """One page of visible tickets in `sort` order, and the next page's cursor.

    Two queries whatever the page size: tickets with customer/assignee/team, and tags.
    Raises InvalidInput for a malformed cursor.
    """
    tickets = _filtered(visible_tickets(agent), filters)
    if cursor:
        tickets = tickets.filter(_after(sort, decode_cursor(cursor, shape=_CURSOR_SHAPE[sort])))
    page = list(
        tickets.select_related("customer", "assignee", "team")
        .prefetch_related("tags")
        .order_by(*_ORDER[sort])[: limit + 1]
    )
    if len(page) <= limit:
        return page, None
    page = page[:limit]
    return page, _cursor_of(sort, page[-1])


def message_page(
    ticket: Ticket, *, before: str | None, limit: int
) -> tuple[list[Message], str | None]:
    """The ticket's latest `limit` messages before the cursor, oldest first for reading, and
    a cursor for the page of earlier ones (None at the start of the conversation)."""
    messages = (
        Message.objects.filter(ticket=ticket)
        # The email a message came from, for its "original" link: without its raw bytes.
        .select_related("author_agent", "author_customer", "inbound_email")
        .defer("inbound_email__raw_compressed")
        .prefetch_related(Prefetch("attachments"))
    )
    if before:
        at, message_id = decode_cursor(before, shape=(datetime, int))
        messages = messages.filter(created_at__lte=at).filter(
            Q(created_at__lt=at) | Q(created_at=at, id__lt=message_id)
        )
    page = list(messages.order_by("-created_at", "-id")[: limit + 1])
    earlier = None
    if len(page) > limit:
        page = page[:limit]
        earlier = encode_cursor(page[-1].created_at, page[-1].pk)
    page.reverse()
    return page, earlier

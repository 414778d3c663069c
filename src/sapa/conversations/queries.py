"""Named reads of tickets and messages, always through the reader's visibility."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from sapa.accounts.models import Agent, Role
from sapa.accounts.queries import team_ids_of
from sapa.conversations.exceptions import TicketNotFound
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


@dataclass(frozen=True)
class TicketFilters:
    statuses: tuple[str, ...] = ()
    priority: str | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    team_id: int | None = None
    channel: str | None = None
    customer_id: int | None = None
    tag: str | None = None
    text: str = ""


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
    if filters.channel:
        tickets = tickets.filter(origin_channel=filters.channel)
    if filters.customer_id is not None:
        tickets = tickets.filter(customer_id=filters.customer_id)
    if filters.tag:
        tickets = tickets.filter(tags__name=filters.tag)
    text = filters.text.strip()
    if text:
        number = text.lstrip("#")
        by_text = Q(subject__icontains=text) | Q(customer__name__icontains=text)
        tickets = tickets.filter(Q(number=int(number)) | by_text if number.isdigit() else by_text)
    return tickets


def list_tickets(
    agent: Agent, filters: TicketFilters, *, cursor: str | None, limit: int
) -> tuple[list[Ticket], str | None]:
    """One page of visible tickets, most recent activity first, and the next page's cursor.

    Three queries whatever the page size: tickets with customer/assignee/team, and tags.
    Raises InvalidInput for a malformed cursor.
    """
    tickets = _filtered(visible_tickets(agent), filters)
    if cursor:
        at, ticket_id = decode_cursor(cursor, shape=(datetime, int))
        # The redundant upper bound lets the index seek to the cursor; the OR alone makes
        # the database scan from the top of the index (slow deep in the chain).
        tickets = tickets.filter(last_activity_at__lte=at).filter(
            Q(last_activity_at__lt=at) | Q(last_activity_at=at, id__lt=ticket_id)
        )
    page = list(
        tickets.select_related("customer", "assignee", "team")
        .prefetch_related("tags")
        .order_by("-last_activity_at", "-id")[: limit + 1]
    )
    if len(page) <= limit:
        return page, None
    page = page[:limit]
    last = page[-1]
    return page, encode_cursor(last.last_activity_at, last.pk)


def message_page(
    ticket: Ticket, *, before: str | None, limit: int
) -> tuple[list[Message], str | None]:
    """The ticket's latest `limit` messages before the cursor, oldest first for reading, and
    a cursor for the page of earlier ones (None at the start of the conversation)."""
    messages = (
        Message.objects.filter(ticket=ticket)
        .select_related("author_agent", "author_customer")
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

"""Clocks for tickets that were written without them (the demo's history is replayed with
event dispatch switched off; a policy added to a running desk)."""

from sapa.conversations.models import Ticket, TicketStatus
from sapa.sla.actions.clocks import (
    PAUSED_STATUSES,
    follow_status,
    record_response,
    start_clocks,
    start_next_response,
)
from sapa.sla.models import SlaClock

ACTIVE = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD)


def start_clocks_for_open_tickets() -> int:
    """Give active tickets without clocks the clocks their history implies: started when the
    ticket was created, the first response stopped when it was given, a next response
    running when the customer wrote last, paused at the last activity when pending.
    Returns how many tickets got clocks."""
    with_clocks = SlaClock.objects.values("ticket_id")
    tickets = Ticket.objects.filter(status__in=ACTIVE).exclude(pk__in=with_clocks).order_by("pk")
    started = 0
    for ticket in tickets.iterator():
        if not start_clocks(ticket, at=ticket.created_at):
            continue
        started += 1
        if ticket.first_response_at is not None:
            record_response(ticket, at=ticket.first_response_at)
            last_wrote = ticket.last_customer_message_at
            waiting = last_wrote is not None and last_wrote >= ticket.last_message_at
            if waiting and last_wrote and last_wrote > ticket.first_response_at:
                start_next_response(ticket, at=last_wrote)
        if ticket.status in PAUSED_STATUSES:
            follow_status(ticket, status=ticket.status, at=ticket.last_activity_at)
    return started

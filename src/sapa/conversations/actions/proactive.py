"""Tickets Sapa opens itself, without a message from the customer: an internal alert about
a customer (a parcel that stopped moving) or a message Sapa starts (a thank-you)."""

from django.db import transaction

from sapa.conversations.actions.replies import add_note
from sapa.conversations.models import Ticket, TicketStatus
from sapa.conversations.numbering import next_ticket_number
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.customers.models import Customer


def open_ticket_for(
    customer: Customer,
    *,
    subject: str,
    channel: str,
    actor: Actor,
    note: str = "",
    routed: bool = True,
) -> Ticket:
    """A new ticket for `customer` that no customer message opened.

    routed=True: an alert for the team. It is new, its "ticket.created" Event lets routing
    assign it, and `note` becomes an internal note on it. routed=False: the home of a message
    Sapa starts. It is solved from the start (it does not wait in anyone's inbox, and asks for
    no survey), with a "ticket.started" Event; the customer's answer re-opens it like any
    solved ticket.
    """
    now = clock.now()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            number=next_ticket_number(),
            subject=subject.strip()[:300],
            origin_channel=channel,
            customer=customer,
            status=TicketStatus.NEW if routed else TicketStatus.SOLVED,
            solved_at=None if routed else now,
            created_at=now,
            last_message_at=now,
            last_activity_at=now,
        )
        record_event(
            actor,
            "ticket.created" if routed else "ticket.started",
            ticket,
            after={
                "number": ticket.number,
                "channel": channel,
                "customer_id": customer.pk,
                "status": ticket.status,
            },
        )
        if note.strip():
            add_note(ticket, text=note, actor=actor)
    return ticket

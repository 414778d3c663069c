"""Row locks, always taken in one order: customer, then ticket, then messages (by pk)."""

from django.db import connection

from sapa.conversations.models import Ticket
from sapa.customers.models import Customer


def lock_ticket(ticket: Ticket | int) -> Ticket:
    """Re-read the ticket under a row lock, after locking its customer (a no-op lock on
    SQLite, whose IMMEDIATE transactions already serialise writers).

    The customer first, as the inbound road does (it resolves and locks the customer, then
    threads into a ticket): a reaction in the worker locking the ticket while a message of
    the same customer arrives would otherwise deadlock on PostgreSQL.
    """
    ticket_id = ticket if isinstance(ticket, int) else ticket.pk
    if connection.features.has_select_for_update:
        customer_id = (
            Ticket.objects.filter(pk=ticket_id).values_list("customer_id", flat=True).first()
        )
        if customer_id is not None:
            Customer.objects.select_for_update().filter(pk=customer_id).values_list("pk").first()
    return (
        Ticket.objects.select_for_update(of=("self",)).select_related("customer").get(pk=ticket_id)
    )

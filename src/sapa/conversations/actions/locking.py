"""Row locks, always taken in one order: customer, then ticket, then messages (by pk)."""

from sapa.conversations.models import Ticket


def lock_ticket(ticket: Ticket) -> Ticket:
    """Re-read `ticket` under a row lock (a no-op lock on SQLite, whose IMMEDIATE
    transactions already serialise writers)."""
    return Ticket.objects.select_for_update().select_related("customer").get(pk=ticket.pk)

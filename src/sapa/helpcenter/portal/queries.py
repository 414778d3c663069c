"""What a signed-in customer may read: their own tickets and the messages meant for them."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sapa.conversations.models import Direction, Message, Ticket, TicketStatus
from sapa.customers.models import Customer

# Statuses as a customer reads them: agents' internal distinctions folded together.
CUSTOMER_STATUS_LABELS: dict[str, Promise] = {
    TicketStatus.NEW: _("Received"),
    TicketStatus.OPEN: _("In progress"),
    TicketStatus.ON_HOLD: _("In progress"),
    TicketStatus.PENDING: _("Waiting for your reply"),
    TicketStatus.SOLVED: _("Solved"),
    TicketStatus.CLOSED: _("Closed"),
}


def customer_status_label(status: str) -> Promise:
    return CUSTOMER_STATUS_LABELS.get(status, _("In progress"))


def list_customer_tickets(customer: Customer) -> QuerySet[Ticket]:
    """The customer's tickets from every channel, latest activity first."""
    return Ticket.objects.filter(customer=customer).order_by("-last_activity_at", "-id")


def access_customer_ticket(customer: Customer, number: int) -> Ticket:
    """The customer's ticket numbered `number`. Another customer's ticket raises the same
    Http404 as a missing one, so numbers reveal nothing."""
    ticket = Ticket.objects.filter(customer=customer, number=number).first()
    if ticket is None:
        raise Http404
    return ticket


def list_visible_messages(ticket: Ticket) -> QuerySet[Message]:
    """What was said between the customer and the shop: never internal notes."""
    return (
        Message.objects.filter(ticket=ticket, direction__in=[Direction.INBOUND, Direction.OUTBOUND])
        .exclude(channel="")
        .select_related("author_agent")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )

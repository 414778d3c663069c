"""Named reads for walk-in: finding the customer at the counter (with their latest tickets),
the locations, the visits logged lately, and the kiosk behind a token."""

from dataclasses import dataclass
from datetime import timedelta

from sapa.accounts.models import Agent
from sapa.channels.walkin.locations import KIOSK_TOKEN_PREFIX, hash_kiosk_token
from sapa.channels.walkin.models import KioskDevice, StoreLocation, Visit
from sapa.conversations.models import Ticket, TicketStatus
from sapa.core import clock
from sapa.customers.models import Customer
from sapa.customers.queries import list_customers

MATCHES = 10
TICKETS_PER_CUSTOMER = 3
# How often a kiosk's last use is written (not on every request).
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class Match:
    """A customer the search found, with what a clerk needs to recognise them."""

    customer: Customer
    tickets: list[Ticket]


def find_customers(text: str) -> list[Match]:
    """Customers whose name, phone (any way it is written), email or other address matches
    `text`, newest first, each with their latest tickets (number, subject, status). Shown on
    the walk-in screen whatever team the tickets belong to: that the customer has an open
    matter is what the counter needs to know; the conversations stay in the inbox."""
    if len(text.strip()) < 3:
        return []
    customers, _cursor = list_customers(text, cursor=None, limit=MATCHES)
    by_customer: dict[int, list[Ticket]] = {c.pk: [] for c in customers}
    recent = (
        Ticket.objects.filter(customer_id__in=by_customer)
        .only(
            "pk", "number", "subject", "status", "origin_channel", "customer_id", "last_message_at"
        )
        .order_by("-last_message_at", "-pk")[: MATCHES * 10]
    )
    for ticket in recent:
        tickets = by_customer[ticket.customer_id]
        if len(tickets) < TICKETS_PER_CUSTOMER:
            tickets.append(ticket)
    return [Match(customer=c, tickets=by_customer[c.pk]) for c in customers]


def open_tickets_of(customer: Customer) -> list[Ticket]:
    """The customer's tickets a visit can continue (not closed), newest first."""
    return list(
        Ticket.objects.filter(customer=customer)
        .exclude(status=TicketStatus.CLOSED)
        .only("pk", "number", "subject", "status", "customer_id")
        .order_by("-last_message_at", "-pk")[:10]
    )


def active_locations() -> list[StoreLocation]:
    return list(StoreLocation.objects.filter(is_active=True).order_by("name"))


def find_location(code: str) -> StoreLocation | None:
    return StoreLocation.objects.filter(code=code.strip().upper()).first()


def usual_location(agent: Agent) -> StoreLocation | None:
    """Where `agent` logged their latest visit (the form's default location)."""
    visit = (
        Visit.objects.filter(logged_by=agent, location__is_active=True)
        .select_related("location")
        .order_by("-created_at")
        .first()
    )
    return visit.location if visit else None


def recent_visits(
    *, agent: Agent | None = None, location: StoreLocation | None = None, limit: int = 20
) -> list[Visit]:
    visits = Visit.objects.select_related("location", "customer", "ticket", "message", "promise")
    if agent is not None:
        visits = visits.filter(logged_by=agent)
    if location is not None:
        visits = visits.filter(location=location)
    return list(visits.order_by("-created_at", "-pk")[:limit])


def find_kiosk(raw: str) -> KioskDevice | None:
    """The live kiosk (of an active location) whose token is `raw`; notes its use."""
    if not raw.startswith(KIOSK_TOKEN_PREFIX):
        return None
    kiosk = (
        KioskDevice.objects.select_related("location")
        .filter(token_hash=hash_kiosk_token(raw), revoked_at__isnull=True)
        .first()
    )
    if kiosk is None:
        return None
    now = clock.now()
    if kiosk.last_used_at is None or now - kiosk.last_used_at > TOUCH_EVERY:
        KioskDevice.objects.filter(pk=kiosk.pk).update(last_used_at=now)
    return kiosk

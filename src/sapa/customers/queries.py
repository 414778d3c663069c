"""Named reads of customers: lookup, search, and the single customer view's figures."""

from contextlib import suppress
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum

from sapa.accounts.models import Agent
from sapa.core.cursors import decode_cursor, encode_cursor
from sapa.customers.addresses import InvalidAddress, normalise_phone
from sapa.customers.exceptions import CustomerNotFound
from sapa.customers.models import Customer, Identity, MergeSuggestion, MergeSuggestionStatus


def access_customer(agent: Agent, customer_id: int) -> Customer:
    """The customer (following a merge to the surviving record) or CustomerNotFound.

    Every agent may look customers up: the same person writes to every team. What they see
    of that person's tickets is filtered by ticket visibility.
    """
    customer = (
        Customer.objects.select_related("merged_into")
        .prefetch_related("identities", "tags")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        raise CustomerNotFound()
    if customer.merged_into is not None:
        return access_customer(agent, customer.merged_into.pk)
    return customer


def list_customers(
    text: str, *, cursor: str | None, limit: int
) -> tuple[list[Customer], str | None]:
    """Customers matching `text` in name or any address, newest first."""
    customers = Customer.objects.filter(merged_into__isnull=True)
    text = text.strip()
    if text:
        matches = Q(name__icontains=text) | Q(
            Exists(Identity.objects.filter(customer=OuterRef("pk"), value__icontains=text.lower()))
        )
        with suppress(InvalidAddress):
            matches |= Q(
                Exists(
                    Identity.objects.filter(customer=OuterRef("pk"), value=normalise_phone(text))
                )
            )
        customers = customers.filter(matches)
    if cursor:
        (customer_id,) = decode_cursor(cursor, shape=(int,))
        customers = customers.filter(pk__lt=customer_id)
    page = list(customers.prefetch_related("identities", "tags").order_by("-pk")[: limit + 1])
    if len(page) <= limit:
        return page, None
    page = page[:limit]
    return page, encode_cursor(page[-1].pk)


@dataclass(frozen=True)
class OrderTotals:
    currency: str
    order_count: int
    total_minor: int


@dataclass(frozen=True)
class CustomerFigures:
    open_ticket_count: int
    ticket_count: int
    order_count: int
    last_order_at: object
    totals: list[OrderTotals]


def customer_figures(agent: Agent, customer: Customer) -> CustomerFigures:
    """Ticket counts (as far as `agent` may see) and order totals per currency. Two queries."""
    from sapa.commerce.models import Order, OrderStatus
    from sapa.conversations.models import TicketStatus
    from sapa.conversations.queries import visible_tickets

    tickets = (
        visible_tickets(agent)
        .filter(customer=customer)
        .aggregate(
            total=Count("pk"),
            open=Count("pk", filter=~Q(status__in=[TicketStatus.SOLVED, TicketStatus.CLOSED])),
        )
    )
    per_currency = list(
        Order.objects.filter(customer=customer)
        .exclude(status=OrderStatus.CANCELLED)
        .values("currency")
        .annotate(count=Count("pk"), total=Sum("total_minor"), last=Max("placed_at"))
        .order_by("currency")
    )
    return CustomerFigures(
        open_ticket_count=tickets["open"],
        ticket_count=tickets["total"],
        order_count=sum(row["count"] for row in per_currency),
        last_order_at=max((row["last"] for row in per_currency), default=None),
        totals=[
            OrderTotals(
                currency=row["currency"], order_count=row["count"], total_minor=row["total"]
            )
            for row in per_currency
        ],
    )


def open_merge_suggestions(customer: Customer, *, limit: int = 20) -> list[MergeSuggestion]:
    return list(
        MergeSuggestion.objects.filter(
            Q(customer=customer) | Q(other=customer), status=MergeSuggestionStatus.OPEN
        ).order_by("-created_at")[:limit]
    )

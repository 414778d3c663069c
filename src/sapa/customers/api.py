"""API endpoints: customers, their cross-channel timeline, and merging duplicates."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from sapa.accounts.models import Agent
from sapa.api.auth import request_agent
from sapa.api.pagination import page_limit
from sapa.api.schemas import ErrorOut, Page
from sapa.core.actors import Actor
from sapa.customers.actions import merge_customers
from sapa.customers.exceptions import CannotMerge
from sapa.customers.models import Customer
from sapa.customers.queries import (
    access_customer,
    customer_figures,
    list_customers,
    open_merge_suggestions,
)
from sapa.customers.schemas import CustomerDetailOut, CustomerOut, MergeIn, TimelineItemOut
from sapa.customers.timeline import customer_timeline

router = Router(tags=["customers"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _detail(agent: Agent, customer: Customer) -> Customer:
    customer.figures = customer_figures(agent, customer)  # type: ignore[attr-defined]
    customer.open_suggestions = open_merge_suggestions(customer)  # type: ignore[attr-defined]
    return customer


@router.get("", response={200: Page[CustomerOut], **ERRORS})
def customer_list(
    request: HttpRequest,
    q: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, object]:
    """Customers whose name or any address (email, phone, handle) matches `q`, newest first."""
    items, next_cursor = list_customers(q, cursor=cursor, limit=page_limit(limit))
    return {"items": items, "next_cursor": next_cursor}


# Declared before "/{customer_id}" so that "merge" is not taken for an id.
@router.post("/merge", response={200: CustomerDetailOut, **ERRORS})
def customer_merge(request: HttpRequest, payload: MergeIn) -> Customer:
    """Merge `source_id` into `target_id` (supervisors and admins)."""
    agent = request_agent(request)
    source = access_customer(agent, payload.source_id)
    if source.pk != payload.source_id:
        raise CannotMerge(
            _("Customer %(source)d was already merged into %(into)d.")
            % {"source": payload.source_id, "into": source.pk}
        )
    # A merged target stands for the customer it was merged into.
    target = access_customer(agent, payload.target_id)
    merged = merge_customers(source, into=target, actor=Actor.for_agent(agent))
    return _detail(agent, access_customer(agent, merged.pk))


@router.get("/{customer_id}", response={200: CustomerDetailOut, **ERRORS})
def customer_detail(request: HttpRequest, customer_id: int) -> Customer:
    """The customer with identities, stage, ticket counts, order totals and merge suggestions.
    A merged customer's old id answers with the customer it was merged into."""
    agent = request_agent(request)
    return _detail(agent, access_customer(agent, customer_id))


@router.get("/{customer_id}/timeline", response={200: Page[TimelineItemOut], **ERRORS})
def customer_history(
    request: HttpRequest,
    customer_id: int,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, object]:
    """Everything that happened with this customer on every channel, newest first: messages,
    tickets, orders and shipment tracking events."""
    agent = request_agent(request)
    customer = access_customer(agent, customer_id)
    items, next_cursor = customer_timeline(agent, customer, cursor=cursor, limit=page_limit(limit))
    return {"items": items, "next_cursor": next_cursor}

"""API endpoints: promises made on tickets, listed per customer, settled."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from sapa.accounts.queries import get_agent
from sapa.api.auth import request_agent
from sapa.api.pagination import page_limit
from sapa.api.schemas import ErrorOut, Page
from sapa.conversations.queries import access_ticket
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, NotFound
from sapa.customers.queries import access_customer
from sapa.promises import actions
from sapa.promises.models import Promise, PromiseStatus
from sapa.promises.queries import access_promise, customer_promise_page
from sapa.promises.schemas import PromiseIn, PromiseOut, RescheduleIn, SettleIn
from sapa.promises.when import parse_due

router = Router(tags=["promises"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post("/tickets/{ticket_id}/promises", response={201: PromiseOut, **ERRORS})
def make(request: HttpRequest, ticket_id: int, payload: PromiseIn) -> Status:
    """Record a promise to the ticket's customer. The owner (default: the caller) is
    reminded before it is due and asked at the due time whether it was kept; a
    `follow_up_text` goes to the customer then, unless the promise was settled first."""
    agent = request_agent(request)
    ticket = access_ticket(agent, ticket_id)
    owner = agent
    if payload.owner_id is not None:
        try:
            owner = get_agent(payload.owner_id)
        except NotFound as error:
            raise InvalidInput(_("No such agent."), loc=["body", "owner_id"]) from error
    promise = actions.make_promise(
        ticket,
        text=payload.text,
        due_at=parse_due(payload.due, now=clock.now()),
        owner=owner,
        follow_up_text=payload.follow_up_text,
        actor=Actor.for_agent(agent),
    )
    return Status(201, access_promise(agent, promise.pk))


class CustomerPromiseQuery(Schema):
    status: str | None = None
    cursor: str | None = None
    limit: int | None = None


@router.get("/customers/{customer_id}/promises", response={200: Page[PromiseOut], **ERRORS})
def customer_list(
    request: HttpRequest, customer_id: int, query: Query[CustomerPromiseQuery]
) -> dict[str, object]:
    """The customer's promises across all their tickets, the soonest due first; `status`
    is a comma-separated list (open, kept, broken, cancelled)."""
    agent = request_agent(request)
    customer = access_customer(agent, customer_id)
    statuses = tuple(s for s in (query.status or "").split(",") if s)
    if any(s not in PromiseStatus.values for s in statuses):
        raise InvalidInput(
            _("status is a comma-separated list of promise statuses."), loc=["query", "status"]
        )
    items, next_cursor = customer_promise_page(
        customer, statuses=statuses, cursor=query.cursor, limit=page_limit(query.limit)
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post("/promises/{promise_id}/kept", response={200: PromiseOut, **ERRORS})
def kept(request: HttpRequest, promise_id: int, payload: SettleIn) -> Promise:
    """The promise was kept (its owner, its maker, supervisors and admins)."""
    agent = request_agent(request)
    promise = actions.mark_kept(
        access_promise(agent, promise_id), note=payload.note, actor=Actor.for_agent(agent)
    )
    return access_promise(agent, promise.pk)


@router.post("/promises/{promise_id}/broken", response={200: PromiseOut, **ERRORS})
def broken(request: HttpRequest, promise_id: int, payload: SettleIn) -> Promise:
    """The promise was not kept; `note` says why."""
    agent = request_agent(request)
    promise = actions.mark_broken(
        access_promise(agent, promise_id), note=payload.note, actor=Actor.for_agent(agent)
    )
    return access_promise(agent, promise.pk)


@router.post("/promises/{promise_id}/cancel", response={200: PromiseOut, **ERRORS})
def cancel(request: HttpRequest, promise_id: int, payload: SettleIn) -> Promise:
    """The promise no longer applies; counted neither kept nor broken."""
    agent = request_agent(request)
    promise = actions.cancel_promise(
        access_promise(agent, promise_id), note=payload.note, actor=Actor.for_agent(agent)
    )
    return access_promise(agent, promise.pk)


@router.post("/promises/{promise_id}/reschedule", response={200: PromiseOut, **ERRORS})
def reschedule(request: HttpRequest, promise_id: int, payload: RescheduleIn) -> Promise:
    """Move the due time; the reminder and due notice happen again for the new time."""
    agent = request_agent(request)
    promise = actions.reschedule_promise(
        access_promise(agent, promise_id),
        due_at=parse_due(payload.due, now=clock.now()),
        actor=Actor.for_agent(agent),
    )
    return access_promise(agent, promise.pk)

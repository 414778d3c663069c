"""API endpoints: a customer's journey and stage history, setting the stage by hand, the
shop's journey signals, and the funnel report."""

from datetime import timedelta

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from sapa.accounts.permissions import Permission, require
from sapa.api.auth import request_agent
from sapa.api.pagination import page_limit
from sapa.api.schemas import ErrorOut, Page
from sapa.channels.kinds import Channel
from sapa.conversations.inbound_payload import sender_addresses
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.customers.models import Customer
from sapa.customers.queries import access_customer
from sapa.journey import actions
from sapa.journey.funnel import JourneyReport, report_for
from sapa.journey.models import CustomerJourney, JourneySignal, StageTransition
from sapa.journey.queries import stage_history
from sapa.journey.schemas import (
    AddressedSignalIn,
    JourneyOut,
    JourneyReportOut,
    ReportQuery,
    SignalIn,
    SignalOut,
    StageIn,
    TransitionOut,
)
from sapa.journey.summary import REPORT_CURRENCY, refresh_journeys

router = Router(tags=["journey"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
# Signals may carry the shop's clock, a little ahead of ours.
SIGNAL_CLOCK_SKEW = timedelta(minutes=5)
RECENT_TRANSITIONS = 5


def _journey(customer: Customer) -> dict[str, object]:
    journey = CustomerJourney.objects.filter(customer=customer).first()
    if journey is None:  # a customer no event has reached yet (an import)
        refresh_journeys([customer.pk])
        journey = CustomerJourney.objects.get(customer=customer)
    recent = StageTransition.objects.filter(customer=customer).order_by("-at", "-id")
    return {
        "customer_id": customer.pk,
        "stage": journey.stage,
        "stage_since": journey.stage_since,
        "first_contact_channel": journey.first_contact_channel,
        "first_contact_at": journey.first_contact_at,
        "reached": {
            "awareness": journey.awareness_at,
            "consideration": journey.consideration_at,
            "preference": journey.preference_at,
            "purchase": journey.purchase_at,
            "repurchase": journey.repurchase_at,
        },
        "orders_count": journey.orders_count,
        "revenue_minor": journey.revenue_minor,
        "currency": REPORT_CURRENCY,
        "recent": list(recent[:RECENT_TRANSITIONS]),
    }


@router.get("/customers/{customer_id}/journey", response={200: JourneyOut, **ERRORS})
def customer_journey(request: HttpRequest, customer_id: int) -> dict[str, object]:
    """The customer's stage, since when, the first time they reached each stage, first
    contact, orders and revenue, and their last stage changes."""
    agent = request_agent(request)
    return _journey(access_customer(agent, customer_id))


@router.put("/customers/{customer_id}/stage", response={200: JourneyOut, **ERRORS})
def set_stage(request: HttpRequest, customer_id: int, payload: StageIn) -> dict[str, object]:
    """Set the customer's stage by hand, forwards or back, with the reason (any agent). The
    rules carry on from there and only ever move the customer forward."""
    agent = request_agent(request)
    customer = access_customer(agent, customer_id)
    changed = actions.set_stage_by_hand(
        customer, stage=payload.stage, reason=payload.reason, actor=Actor.for_agent(agent)
    )
    return _journey(changed)


@router.get("/customers/{customer_id}/stage-history", response={200: Page[TransitionOut], **ERRORS})
def customer_stage_history(
    request: HttpRequest, customer_id: int, cursor: str | None = None, limit: int | None = None
) -> dict[str, object]:
    """Every stage change of the customer, newest first: from, to, when, what made it
    (source) and why."""
    agent = request_agent(request)
    customer = access_customer(agent, customer_id)
    items, next_cursor = stage_history(customer, cursor=cursor, limit=page_limit(limit))
    return {"items": items, "next_cursor": next_cursor}


def _signal_data(payload: SignalIn) -> actions.SignalData:
    now = clock.now()
    at = payload.at or now
    if at > now + SIGNAL_CLOCK_SKEW:
        raise InvalidInput(_("A signal cannot lie in the future."), loc=["body", "at"])
    return actions.SignalData(
        kind=payload.signal,
        at=at,
        value_minor=payload.value_minor,
        currency=payload.currency,
        external_id=payload.external_id.strip(),
        note=payload.note.strip(),
    )


def _signal_out(signal: JourneySignal, created: bool) -> Status:
    stage = Customer.objects.values_list("lifecycle_stage", flat=True).get(pk=signal.customer_id)
    body = {
        "id": signal.pk,
        "customer_id": signal.customer_id,
        "signal": signal.kind,
        "at": signal.at,
        "value_minor": signal.value_minor,
        "currency": signal.currency,
        "external_id": signal.external_id,
        "stage": stage,
    }
    return Status(201 if created else 200, body)


@router.post(
    "/customers/{customer_id}/signals", response={200: SignalOut, 201: SignalOut, **ERRORS}
)
def customer_signal(request: HttpRequest, customer_id: int, payload: SignalIn) -> Status:
    """The shop saw the customer fill a cart, ask for a quote or say they will buy: moves
    them to preference unless they are further along. 201 when new, 200 when its
    `external_id` was sent before (the shop's integration and admins)."""
    agent = request_agent(request)
    actor = Actor.integration(agent)
    require(actor, Permission.WRITE_ORDERS)
    customer = access_customer(agent, customer_id)
    signal, created = actions.record_signal(customer, _signal_data(payload), actor=actor)
    return _signal_out(signal, created)


@router.post("/journey/signals", response={200: SignalOut, 201: SignalOut, **ERRORS})
def addressed_signal(request: HttpRequest, payload: AddressedSignalIn) -> Status:
    """As POST /customers/{id}/signals, for the customer with `customer.email` / `phone`
    (created when unknown, as an order would be)."""
    actor = Actor.integration(request_agent(request))
    require(actor, Permission.WRITE_ORDERS)
    try:
        addresses = sender_addresses(
            Channel.API, email=payload.customer.email, phone=payload.customer.phone, handle=None
        )
    except InvalidInput as error:
        raise InvalidInput(error.message, loc=["body", "customer", *error.loc[2:]]) from error
    signal, created = actions.record_signal_for(
        addresses, name=payload.customer.name.strip(), data=_signal_data(payload), actor=actor
    )
    return _signal_out(signal, created)


@router.get("/reports/journey", response={200: JourneyReportOut, **ERRORS}, by_alias=True)
def funnel(request: HttpRequest, query: Query[ReportQuery]) -> JourneyReport:
    """The funnel (supervisors and admins): customers per stage now; for customers who
    reached each stage between `from` and `to` (shop time zone, both included), how many
    reached the next, and in how long (average, median); the repeat-purchase rate and the
    revenue per buying customer of those whose first order falls in the period. In total
    and per channel of first contact; `channel` keeps one. docs/journey.md."""
    require(Actor.for_agent(request_agent(request)), Permission.VIEW_REPORTS)
    return report_for(start=query.start, end=query.end, channel=query.channel)

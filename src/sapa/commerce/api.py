"""API endpoints: the shop pushes its orders, shipments and tracking events."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Path, Query, Router, Status

from sapa.api.auth import request_agent
from sapa.api.schemas import ErrorOut
from sapa.commerce.actions import OrderResult, add_tracking_events, record_order
from sapa.commerce.exceptions import InvalidOrderTransition
from sapa.commerce.models import Order
from sapa.commerce.payloads import order_data, tracking_events
from sapa.commerce.queries import access_tracked_shipment, order_with_tracking, shipment_with_events
from sapa.commerce.schemas import (
    OrderConflictOut,
    OrderIn,
    OrderUpsertOut,
    ShipmentWithOrderOut,
    TrackingEventsIn,
)
from sapa.core.actors import Actor

router = Router(tags=["orders"])
shipments_router = Router(tags=["orders"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def order_answer(result: OrderResult) -> Order:
    """The answer to an order update: the order with its tracking, carrying the outcome and
    `stale` for OrderUpsertOut."""
    order = order_with_tracking(result.order.pk)
    order.outcome = result.outcome.value  # type: ignore[attr-defined]
    order.stale = result.stale  # type: ignore[attr-defined]
    return order


@router.put(
    "/{number}",
    response={200: OrderUpsertOut, 201: OrderUpsertOut, 409: OrderConflictOut, **ERRORS},
)
def order_upsert(
    request: HttpRequest, payload: OrderIn, number: str = Path(..., max_length=64)
) -> Status | HttpResponse:
    """Create or update the order with the shop's order `number`, its customer (found or
    created by email/phone) and its shipments with tracking events. 201 when new; 409 for a
    status change the order's state machine forbids (docs/orders.md)."""
    actor = Actor.integration(request_agent(request))
    try:
        result = record_order(order_data(number, payload), actor=actor)
    except InvalidOrderTransition as error:
        return JsonResponse(error.body(), status=409)
    return Status(201 if result.created else 200, order_answer(result))


@shipments_router.post(
    "/{tracking_number}/events",
    response={200: ShipmentWithOrderOut, 409: ErrorOut, **ERRORS},
)
def shipment_events(
    request: HttpRequest,
    payload: TrackingEventsIn,
    tracking_number: str = Path(..., max_length=64),
    carrier: str | None = Query(None, max_length=32),
) -> Status:
    """Append the carrier's tracking events (at most 500) to the shipment with this
    tracking number; `carrier` (query or body) picks one when several carriers use the
    number. Events already stored are skipped; a late event never moves the shipment
    backwards. 404 for an unknown number, 409 when it is ambiguous."""
    actor = Actor.integration(request_agent(request))
    shipment = access_tracked_shipment(
        actor, tracking_number.strip(), carrier=carrier or payload.carrier
    )
    shipment = add_tracking_events(shipment, tracking_events(payload.events), actor=actor)
    return Status(200, shipment_with_events(shipment.pk))

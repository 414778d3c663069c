"""API endpoints: the shop pushes its orders and shipments."""

from django.http import HttpRequest
from ninja import Path, Router, Status

from sapa.api.auth import request_agent
from sapa.api.schemas import ErrorOut
from sapa.channels.kinds import Channel
from sapa.commerce.actions import OrderData, ShipmentData, TrackingEvent, upsert_order
from sapa.commerce.models import Order
from sapa.commerce.schemas import OrderIn, OrderOut
from sapa.conversations.inbound_payload import sender_addresses
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput

router = Router(tags=["orders"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _order_data(number: str, payload: OrderIn) -> OrderData:
    customer = payload.customer
    try:
        addresses = sender_addresses(
            Channel.API, email=customer.email, phone=customer.phone, handle=None
        )
    except InvalidInput as error:
        raise InvalidInput(error.message, loc=["body", "customer", *error.loc[2:]]) from error
    return OrderData(
        number=number,
        customer_addresses=addresses,
        customer_name=customer.name.strip(),
        status=payload.status,
        total_minor=payload.total_minor,
        currency=payload.currency,
        placed_at=payload.placed_at,
        items=[item.dict() for item in payload.items],
        shipments=tuple(
            ShipmentData(
                carrier=s.carrier.strip(),
                tracking_number=s.tracking_number.strip(),
                status=s.status,
                events=tuple(
                    TrackingEvent(
                        at=e.at, status=e.status, description=e.description, location=e.location
                    )
                    for e in s.events
                ),
            )
            for s in payload.shipments
        ),
    )


@router.put("/{number}", response={200: OrderOut, 201: OrderOut, **ERRORS})
def order_upsert(
    request: HttpRequest, payload: OrderIn, number: str = Path(..., max_length=64)
) -> Status:
    """Create or update the order with the shop's order `number`, its customer (found or
    created by email/phone) and its shipments with tracking events. 201 when new."""
    actor = Actor.integration(request_agent(request))
    order, created = upsert_order(_order_data(number, payload), actor=actor)
    order = Order.objects.prefetch_related("shipments__events").get(pk=order.pk)
    return Status(201 if created else 200, order)

"""From the API's and the webhook's order payload (schemas.OrderIn) to the actions' data."""

from sapa.channels.kinds import Channel
from sapa.commerce.actions import OrderData, ShipmentData, TrackingEvent
from sapa.commerce.schemas import OrderIn, TrackingEventIn
from sapa.conversations.inbound_payload import sender_addresses
from sapa.core.exceptions import InvalidInput


def tracking_events(events: list[TrackingEventIn]) -> tuple[TrackingEvent, ...]:
    return tuple(
        TrackingEvent(at=e.at, status=e.status, description=e.description, location=e.location)
        for e in events
    )


def order_data(number: str, payload: OrderIn) -> OrderData:
    """The order `number` as `payload` describes it. Raises InvalidInput (body.customer...)."""
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
        status_at=payload.status_at,
        total_minor=payload.total_minor,
        currency=payload.currency,
        placed_at=payload.placed_at,
        items=[item.dict() for item in payload.items],
        shipments=tuple(
            ShipmentData(
                carrier=s.carrier.strip(),
                tracking_number=s.tracking_number.strip(),
                status=s.status,
                events=tracking_events(s.events),
            )
            for s in payload.shipments
        ),
    )

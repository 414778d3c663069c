"""The kiosk API: POST /api/v1/walkin/visits. A self-service kiosk or a store's till logs a
visit with its kiosk token (made on the console's Stores and kiosks page), or an
integration with an agent's API token. Bad input is a 422 naming the field."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import HttpBearer

from sapa.accounts.models import Agent
from sapa.api.auth import BearerToken
from sapa.api.schemas import ErrorOut
from sapa.channels.walkin.actions import Visitor, VisitRequest, log_visit
from sapa.channels.walkin.models import KioskDevice
from sapa.channels.walkin.queries import find_kiosk, find_location
from sapa.channels.walkin.schemas import VisitIn, VisitOut
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.core.models import ActorKind

router = Router(tags=["walk-in"])
ERRORS = {401: ErrorOut, 403: ErrorOut}


class KioskToken(HttpBearer):
    """`Authorization: Bearer sapa_kiosk_...`: the request is the kiosk's."""

    def authenticate(self, request: HttpRequest, token: str) -> KioskDevice | None:
        return find_kiosk(token.strip())


@router.post(
    "/walkin/visits",
    response={201: VisitOut, **ERRORS},
    auth=[KioskToken(), BearerToken()],
)
def log(request: HttpRequest, payload: VisitIn) -> Status:
    """Log a customer's visit at `location_code`: it lands on the customer found by the
    phone or email (a new one otherwise) as a walk-in message. `outcome` is resolved,
    follow_up (default) or complaint. The same `client_id` again returns the same visit."""
    who = request.auth  # type: ignore[attr-defined]
    location = find_location(payload.location_code)
    if isinstance(who, KioskDevice):
        if location is None or location.pk != who.location_id:
            raise InvalidInput(
                _("This kiosk belongs to location %(code)s.") % {"code": who.location.code},
                loc=["body", "location_code"],
            )
        actor = Actor(kind=ActorKind.INTEGRATION, label=f"kiosk:{who.name}")
        kiosk = who
    else:
        assert isinstance(who, Agent)
        if location is None:
            raise InvalidInput(_("No location has this code."), loc=["body", "location_code"])
        actor, kiosk = Actor.integration(who), None
    visit = log_visit(
        VisitRequest(
            location=location,
            visitor=Visitor(
                name=payload.customer.name,
                phone=payload.customer.phone,
                email=payload.customer.email,
            ),
            text=payload.text,
            outcome=payload.outcome,
            key=payload.client_id or "",
        ),
        actor=actor,
        kiosk=kiosk,
    )
    return Status(
        201,
        VisitOut(
            id=visit.pk,
            ticket_number=visit.ticket.number,
            location_code=location.code,
            outcome=visit.outcome,
            created_at=visit.created_at,
        ),
    )

"""API endpoints: a customer's consent to surveys and promotions, per channel."""

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from sapa.api.auth import request_agent
from sapa.api.schemas import ErrorOut
from sapa.channels.kinds import Channel
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.customers.queries import access_customer
from sapa.engagement.consent import ALL_CHANNELS, set_consent
from sapa.engagement.queries import consent_lines

router = Router(tags=["consent"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ConsentOut(Schema):
    channel: str
    purpose: str
    allowed: bool
    said: bool | None
    source: str
    changed_at: datetime | None


class ConsentIn(Schema):
    channel: str = Field(description='A channel ("email", "whatsapp", ...) or "all"')
    purpose: str = Field(description='"marketing" or "feedback"')
    granted: bool
    source: str = Field("api", max_length=32, description="How the customer said it")


@router.get("/customers/{customer_id}/consent", response={200: list[ConsentOut], **ERRORS})
def consent_list(request: HttpRequest, customer_id: int) -> list[object]:
    """Whether promotions ("marketing") and surveys ("feedback") may reach the customer on
    each of their channels: `said` is what they said (null: the default applies)."""
    customer = access_customer(request_agent(request), customer_id)
    return list(consent_lines(customer))


@router.put("/customers/{customer_id}/consent", response={200: list[ConsentOut], **ERRORS})
def consent_set(request: HttpRequest, customer_id: int, payload: ConsentIn) -> list[object]:
    """Record what the customer said (effective at once; kept with who and how)."""
    agent = request_agent(request)
    customer = access_customer(agent, customer_id)
    if payload.channel not in (*Channel.values, ALL_CHANNELS):
        raise InvalidInput(_("Unknown channel."), loc=["body", "channel"])
    if payload.purpose not in ("marketing", "feedback"):
        raise InvalidInput(_('Choose "marketing" or "feedback".'), loc=["body", "purpose"])
    set_consent(
        customer,
        channel=payload.channel,
        purpose=payload.purpose,
        granted=payload.granted,
        source=payload.source or "api",
        actor=Actor.integration(agent),
    )
    return list(consent_lines(customer))

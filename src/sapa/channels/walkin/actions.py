"""Logging a walk-in visit: it enters Sapa through `receive_inbound` like every channel's
message (channel `walkin`, meta with the location, the outcome and who logged it), then the
visit's outcome is applied to the ticket through the conversation actions.

A store clerk may log visits and nothing else: what follows from a visit (the ticket solved,
a complaint's priority, a promise) is done by the walk-in channel on their behalf, named in
the audit trail as "walkin:<clerk>". Agents and above act as themselves.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission, has_permission, require
from sapa.channels.kinds import PHONE_KINDS, Channel, IdentityKind
from sapa.channels.messages import Address, InboundMessage
from sapa.channels.walkin.models import KioskDevice, StoreLocation, Visit, VisitOutcome
from sapa.conversations.actions import receive_inbound, set_priority, set_status
from sapa.conversations.models import PRIORITY_RANK, Priority, Ticket, TicketStatus
from sapa.conversations.queries import visible_tickets
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.customers.addresses import InvalidAddress, normalise_email, normalise_phone
from sapa.customers.models import Customer, Identity
from sapa.promises.actions import TEXT_MAX_CHARS as PROMISE_MAX_CHARS
from sapa.promises.actions import make_promise
from sapa.promises.exceptions import InvalidDue
from sapa.promises.models import Promise

MAX_TEXT_CHARS = 4000
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Visitor:
    """Who came: a customer picked from the search (customer_id), or a new one; a phone or
    email given is added to them (and finds them when they wrote before)."""

    customer_id: int | None = None
    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class VisitRequest:
    location: StoreLocation
    visitor: Visitor
    text: str
    outcome: str
    # Makes a repeated submit (double click, a kiosk's retry) log one visit.
    key: str = ""
    # Continue this ticket of the customer's instead of opening a new one.
    ticket_id: int | None = None
    promise_text: str = ""
    promise_due: datetime | None = None


def log_visit(request: VisitRequest, *, actor: Actor, kiosk: KioskDevice | None = None) -> Visit:
    """Record one visit as an inbound message on channel walkin, on the customer's ticket
    (a new one unless `ticket_id`), with who logged it (the clerk, or `kiosk`) in its meta;
    then: a resolved visit solves the ticket, a complaint raises it to high priority,
    and a promise is made (owner: the person logging it, or the location's follow-up owner
    when a clerk logs it). All or nothing; the same `key` twice logs one visit.

    Raises PermissionDenied, InvalidInput naming the field (text, outcome, location_code,
    customer_id, customer.phone, customer.email, ticket_id, promise_text, promise_due).
    """
    require(actor, Permission.LOG_VISITS)
    logged_by = f"kiosk:{kiosk.name}" if kiosk is not None else actor.label
    text = _checked_text(request.text)
    outcome = _checked_outcome(request.outcome)
    location = request.location
    if not location.is_active:
        raise InvalidInput(_("This location is switched off."), loc=["body", "location_code"])
    addresses, name = _addresses(request.visitor)
    if kiosk is not None and (request.promise_text or request.promise_due):
        raise InvalidInput(_("A kiosk cannot make promises."), loc=["body", "promise_text"])
    owners = _checked_promise(request, actor)
    key = request.key or uuid.uuid4().hex
    if not _KEY.match(key):
        raise InvalidInput(_("The visit key is malformed."), loc=["body", "client_id"])
    # Keys are the logger's own: one clerk's or kiosk's key never names another's visit.
    scope = f"k{kiosk.pk}" if kiosk is not None else f"a{actor.agent.pk}" if actor.agent else "x"
    external_id = f"walkin:{scope}:{key}"
    earlier = Visit.objects.filter(
        message__channel=Channel.WALKIN, message__external_id=external_id
    ).first()
    if earlier is not None:
        return earlier
    with transaction.atomic():
        result = receive_inbound(
            InboundMessage(
                channel=Channel.WALKIN,
                external_id=external_id,
                addresses=addresses,
                text=text,
                sender_name=name,
                ticket_id=request.ticket_id,
                thread_by_recency=False,
                team_id=location.team_id,
                meta={
                    "location": location.code,
                    "location_name": location.name,
                    "outcome": outcome,
                    "logged_by": logged_by,
                },
            ),
            via=actor,
        )
        if not result.created:
            return Visit.objects.get(message_id=result.message_id)
        ticket = Ticket.objects.get(pk=result.ticket_id)
        on_behalf = _on_behalf(actor)
        promise = None
        if owners:
            promise = _make_promise(ticket, request, owners=owners, actor=on_behalf)
        _apply_outcome(ticket, outcome, actor=on_behalf)
        visit = Visit.objects.create(
            location=location,
            message_id=result.message_id,
            ticket_id=result.ticket_id,
            customer_id=result.customer_id,
            outcome=outcome,
            logged_by=actor.agent,
            kiosk=kiosk,
            promise=promise,
            created_at=clock.now(),
        )
        record_event(
            actor,
            "walkin.visit_logged",
            ticket,
            after={
                "visit_id": visit.pk,
                "location": location.code,
                "outcome": outcome,
                "logged_by": logged_by,
                "promise_id": promise.pk if promise else None,
            },
        )
    return visit


def _checked_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Write what the customer asked or told."), loc=["body", "text"])
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(
            _("At most %(limit)d characters.") % {"limit": MAX_TEXT_CHARS}, loc=["body", "text"]
        )
    return text


def _checked_outcome(outcome: str) -> str:
    if outcome not in VisitOutcome.values:
        raise InvalidInput(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(VisitOutcome.values)},
            loc=["body", "outcome"],
        )
    return outcome


def _addresses(visitor: Visitor) -> tuple[tuple[Address, ...], str]:
    """The addresses that find (or make) the customer, the chosen customer's first."""
    typed: list[Address] = []
    if visitor.phone.strip():
        try:
            typed.append(Address(IdentityKind.PHONE, normalise_phone(visitor.phone)))
        except InvalidAddress as error:
            raise InvalidInput(error.message, loc=["body", "customer", "phone"]) from None
    if visitor.email.strip():
        try:
            typed.append(Address(IdentityKind.EMAIL, normalise_email(visitor.email)))
        except InvalidAddress as error:
            raise InvalidInput(error.message, loc=["body", "customer", "email"]) from None
    name = " ".join(visitor.name.split())[:200]
    if visitor.customer_id is None:
        if not typed:
            raise InvalidInput(
                _("Give the customer's phone number or email."), loc=["body", "customer", "phone"]
            )
        return tuple(typed), name
    customer = _chosen_customer(visitor.customer_id)
    known = _known_address(customer)
    if known is None and not typed:
        raise InvalidInput(
            _("This customer has no phone number or email yet; add one."),
            loc=["body", "customer", "phone"],
        )
    return tuple([known] if known else []) + tuple(typed), name or customer.name


def _chosen_customer(customer_id: int) -> Customer:
    customer = Customer.objects.filter(pk=customer_id).select_related("merged_into").first()
    while customer is not None and customer.merged_into is not None:
        customer = customer.merged_into
    if customer is None:
        raise InvalidInput(_("No such customer."), loc=["body", "customer_id"])
    return customer


def _known_address(customer: Customer) -> Address | None:
    """One of the customer's own addresses (a phone first, then an email, then any)."""
    identities = list(Identity.objects.filter(customer=customer).order_by("pk"))
    identities.sort(
        key=lambda i: 0 if i.kind in PHONE_KINDS else 1 if i.kind == IdentityKind.EMAIL else 2
    )
    if not identities:
        return None
    return Address(IdentityKind(identities[0].kind), identities[0].value)


def _may_act(agent: Agent | None) -> bool:
    return agent is not None and all(
        has_permission(agent, p) for p in (Permission.REPLY, Permission.UPDATE_TICKET)
    )


def _on_behalf(actor: Actor) -> Actor:
    """Who changes the visit's ticket: the person when their role may; a clerk or a kiosk
    through the walk-in channel, which is named with them in the audit trail."""
    if _may_act(actor.agent):
        return actor
    return Actor.system(f"walkin:{actor.label}")


def _checked_promise(request: VisitRequest, actor: Actor) -> list[Agent]:
    """Who may own the visit's promise, in order (the person logging it when their role may,
    then the location's follow-up owner); [] when the visit makes no promise. Raises
    InvalidInput when the promise is incomplete or nobody could own it."""
    if not request.promise_text.strip() and request.promise_due is None:
        return []
    if not request.promise_text.strip():
        raise InvalidInput(_("Say what was promised."), loc=["body", "promise_text"])
    if len(" ".join(request.promise_text.split())) > PROMISE_MAX_CHARS:
        raise InvalidInput(
            _("At most %(limit)d characters.") % {"limit": PROMISE_MAX_CHARS},
            loc=["body", "promise_text"],
        )
    if request.promise_due is None or request.promise_due <= clock.now():
        raise InvalidInput(
            _("Say by when, in the future, e.g. “besok 17:00”."), loc=["body", "promise_due"]
        )
    owners = [actor.agent] if actor.agent is not None and _may_act(actor.agent) else []
    keeper = request.location.follow_up_owner
    if keeper is not None and keeper.is_active and keeper not in owners:
        owners.append(keeper)
    if not owners:
        raise InvalidInput(
            _NOBODY % {"location": request.location.name}, loc=["body", "promise_text"]
        )
    return owners


_NOBODY = _lazy(
    "Nobody follows up promises made at %(location)s yet: ask an admin to choose someone on "
    "the location's page."
)


def _make_promise(
    ticket: Ticket, request: VisitRequest, *, owners: list[Agent], actor: Actor
) -> Promise:
    """The promise, owned by the first of `owners` who can see the ticket."""
    assert request.promise_due is not None
    owner = next((o for o in owners if visible_tickets(o).filter(pk=ticket.pk).exists()), None)
    if owner is None:
        raise InvalidInput(
            _NOBODY % {"location": request.location.name}, loc=["body", "promise_text"]
        )
    try:
        return make_promise(
            ticket, text=request.promise_text, due_at=request.promise_due, owner=owner, actor=actor
        )
    except InvalidDue as error:
        raise InvalidInput(error.message, loc=["body", "promise_due"]) from None
    except InvalidInput as error:
        raise InvalidInput(error.message, loc=["body", "promise_text"]) from None


def _apply_outcome(ticket: Ticket, outcome: str, *, actor: Actor) -> None:
    if outcome == VisitOutcome.RESOLVED and ticket.status != TicketStatus.SOLVED:
        set_status(ticket, status=TicketStatus.SOLVED, actor=actor)
    elif outcome == VisitOutcome.COMPLAINT and _less_urgent(ticket.priority, than=Priority.HIGH):
        set_priority(ticket, priority=Priority.HIGH, actor=actor)


def _less_urgent(priority: str, *, than: Priority) -> bool:
    # A lower rank is more urgent: a complaint raises, never lowers, what is there.
    return PRIORITY_RANK[Priority(priority)] > PRIORITY_RANK[than]

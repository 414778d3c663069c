"""Moving customers along the journey: by a rule (forward only), by hand, and by the shop's
signals. Every change goes through sapa.customers.actions.set_lifecycle_stage, which writes
the Event and the StageTransition."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sapa.accounts.permissions import Permission, require
from sapa.channels.messages import Address
from sapa.core.actions import PendingEvent, record_event, record_events
from sapa.core.actors import Actor
from sapa.core.exceptions import Conflict, InvalidInput
from sapa.customers.actions import resolve_customer, set_lifecycle_stage
from sapa.customers.models import Customer, LifecycleStage
from sapa.customers.stages import is_later
from sapa.journey.history import transition_source
from sapa.journey.models import JourneySignal, SignalKind
from sapa.journey.rules import RuleHit, signal_hit
from sapa.journey.summary import refresh_journeys

MAX_REASON_LENGTH = 300


def advance_stage(customer: Customer, hit: RuleHit) -> bool:
    """Move the customer to `hit.stage` when that lies further along than where they are
    now; rules never move anyone backwards, also not after a stage set by hand. Locks the
    customer row. Returns whether the customer moved."""
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        moves = locked.merged_into_id is None and is_later(hit.stage, than=locked.lifecycle_stage)
        if moves:
            set_lifecycle_stage(
                locked,
                stage=hit.stage,
                actor=Actor.automation(f"journey:{hit.rule}"),
                source=hit.source,
                reason=hit.reason,
            )
    customer.lifecycle_stage = locked.lifecycle_stage
    return moves


def set_stage_by_hand(customer: Customer, *, stage: str, reason: str, actor: Actor) -> Customer:
    """An agent puts the customer in `stage`, forwards or back, saying why. Rules carry on
    from there (forward only). Raises InvalidInput (loc stage, reason), Conflict when the
    customer was merged into another."""
    if stage not in LifecycleStage.values:
        raise InvalidInput(_("Choose one of the journey stages."), loc=["body", "stage"])
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_("Say why the stage changes."), loc=["body", "reason"])
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(
            _("The reason is at most %(limit)d characters.") % {"limit": MAX_REASON_LENGTH},
            loc=["body", "reason"],
        )
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.merged_into_id is not None:
            raise Conflict(_("This customer was merged into another."))
        set_lifecycle_stage(
            locked,
            stage=LifecycleStage(stage),
            actor=actor,
            source=transition_source(actor),
            reason=reason,
        )
    customer.lifecycle_stage = locked.lifecycle_stage
    return locked


@dataclass(frozen=True)
class SignalData:
    kind: SignalKind
    at: datetime
    value_minor: int | None = None
    currency: str = "IDR"
    external_id: str = ""
    note: str = ""


def record_signal(
    customer: Customer, data: SignalData, *, actor: Actor
) -> tuple[JourneySignal, bool]:
    """Store a cart / quote / intent the shop saw, and move the customer to preference
    (forward only). A signal whose `external_id` was recorded already records nothing:
    returns (that signal, False). One "journey.signal_received" Event. Raises
    PermissionDenied (the shop's integration and admins only)."""
    require(actor, Permission.WRITE_ORDERS)
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _record_signal(customer, data, actor=actor, events=[])
        except IntegrityError:
            # The same external id arrived twice at once; the retry finds the first.
            if attempt == 1:
                raise
    raise AssertionError("unreachable")


def record_signal_for(
    addresses: Sequence[Address], *, name: str, data: SignalData, actor: Actor
) -> tuple[JourneySignal, bool]:
    """record_signal for the customer behind `addresses` (email / phone from the shop),
    created when new, as an order would. Raises PermissionDenied."""
    require(actor, Permission.WRITE_ORDERS)
    for attempt in range(2):
        try:
            with transaction.atomic():
                events: list[PendingEvent] = []
                customer, _created = resolve_customer(addresses, name=name, events=events)
                return _record_signal(customer, data, actor=actor, events=events)
        except IntegrityError:
            if attempt == 1:
                raise
    raise AssertionError("unreachable")


def _record_signal(
    customer: Customer, data: SignalData, *, actor: Actor, events: list[PendingEvent]
) -> tuple[JourneySignal, bool]:
    if data.external_id:
        known = JourneySignal.objects.filter(external_id=data.external_id).first()
        if known is not None:
            record_events(actor, events)
            return known, False
    signal = JourneySignal.objects.create(
        customer=customer,
        kind=data.kind,
        at=data.at,
        value_minor=data.value_minor,
        currency=data.currency,
        external_id=data.external_id,
        note=data.note[:200],
    )
    record_events(actor, events)
    record_event(
        actor,
        "journey.signal_received",
        customer,
        after={
            "signal_id": signal.pk,
            "kind": signal.kind,
            "at": signal.at.isoformat(),
            "value_minor": signal.value_minor,
            "currency": signal.currency,
        },
    )
    if not advance_stage(customer, signal_hit(data.kind, note=data.note)):
        refresh_journeys([customer.pk])  # the first contact may be this signal
    return signal, True

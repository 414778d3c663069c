"""Parcels the carrier has gone quiet about: flagged, an alert ticket for the team, and (when
the carrier's policy says so) a proactive apology to the customer.

A shipment that is neither delivered nor returned, whose last tracking event (or, without
one, its creation) is older than its carrier's `days_without_event`, is delayed. The sweep
(sapa.commerce.tasks, every 30 minutes) flags each one once; the next tracking event clears
the flag and cancels the apology if it has not gone out yet.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sapa.commerce.models import (
    FINAL_SHIPMENT_STATUSES,
    CarrierPolicy,
    Order,
    OrderStatus,
    Shipment,
)
from sapa.conversations.actions.proactive import open_ticket_for
from sapa.conversations.models import Ticket
from sapa.core import clock
from sapa.core.actions import PendingEvent, pending_event, record_event
from sapa.core.actors import Actor
from sapa.customers.models import Customer
from sapa.engagement.models import Purpose
from sapa.engagement.outreach import cancel_outreach, plan_outreach

DELAY_ACTOR = "delay"
# Orders in these statuses need no watching of their parcels.
_SETTLED_ORDERS = (OrderStatus.CANCELLED, OrderStatus.RETURNED, OrderStatus.DELIVERED)


@dataclass(frozen=True)
class SilencePolicy:
    name: str
    days_without_event: int
    notify_customer: bool


def silence_policy(code: str, *, carrier_name: str = "") -> SilencePolicy | None:
    """The delay policy of carrier `code`: its CarrierPolicy row, or the defaults
    (SAPA_DELIVERY_DELAY_DAYS, SAPA_DELIVERY_DELAY_NOTIFY) for an unknown carrier. None
    when the carrier's policy is switched off."""
    policy = CarrierPolicy.objects.filter(code=code).first()
    if policy is None:
        return SilencePolicy(
            name=carrier_name or code,
            days_without_event=settings.SAPA_DELIVERY_DELAY_DAYS,
            notify_customer=settings.SAPA_DELIVERY_DELAY_NOTIFY,
        )
    if not policy.active:
        return None
    return SilencePolicy(policy.name, policy.days_without_event, policy.notify_customer)


def delay_dedupe_key(shipment: Shipment) -> str:
    """The outreach key of the apology for the shipment's current delay."""
    assert shipment.delayed_since is not None
    day = timezone.localdate(shipment.delayed_since)
    return f"delivery_delay:shipment:{shipment.pk}:{day.isoformat()}"


def _watched() -> QuerySet[Shipment]:
    return (
        Shipment.objects.filter(delayed_since__isnull=True)
        .exclude(status__in=FINAL_SHIPMENT_STATUSES)
        .exclude(order__status__in=_SETTLED_ORDERS)
    )


def _silent_before(threshold: datetime) -> Q:
    """No tracking event since `threshold` (or, without any event, created before it)."""
    return Q(last_event_at__lt=threshold) | Q(last_event_at__isnull=True, created_at__lt=threshold)


def find_delayed_shipments(*, now: datetime, limit: int = 500) -> list[int]:
    """Ids of shipments silent past their carrier's threshold and not flagged yet, the
    longest silent first."""
    policies = list(CarrierPolicy.objects.all())
    default_days = settings.SAPA_DELIVERY_DELAY_DAYS
    overdue = ~Q(carrier_code__in=[policy.code for policy in policies]) & _silent_before(
        now - timedelta(days=default_days)
    )
    for policy in policies:
        if policy.active:
            threshold = now - timedelta(days=policy.days_without_event)
            overdue |= Q(carrier_code=policy.code) & _silent_before(threshold)
    return list(
        _watched()
        .filter(overdue)
        .order_by(Coalesce(F("last_event_at"), F("created_at")), "pk")
        .values_list("pk", flat=True)[:limit]
    )


def flag_delayed_shipments(*, limit: int = 500) -> int:
    """Flag every shipment the carrier has been silent about for too long (the sweep).

    Each in its own short transaction; safe to run twice or on two workers at once (a
    shipment is flagged, and its customer alerted, once). Returns how many were flagged.
    """
    now = clock.now()
    flagged = 0
    for shipment_id in find_delayed_shipments(now=now, limit=limit):
        flagged += flag_shipment_delayed(shipment_id, now=now)
    return flagged


def flag_shipment_delayed(shipment_id: int, *, now: datetime) -> bool:
    """Flag one silent shipment: `delayed_since`, a "shipment.delayed" Event, an alert
    ticket for the team with a note on what is late, and the customer's apology when the
    carrier's policy says so. False when it no longer qualifies (flagged meanwhile, a new
    event, delivered). Locks customer, order, shipment in that order, as the shop's
    updates do."""
    customer_id = (
        Shipment.objects.filter(pk=shipment_id).values_list("order__customer_id", flat=True).first()
    )
    if customer_id is None:
        return False
    actor = Actor.automation(DELAY_ACTOR)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        shipment = _watched().filter(pk=shipment_id).first()
        if shipment is None:
            return False
        Order.objects.select_for_update().filter(pk=shipment.order_id).first()
        shipment = Shipment.objects.select_for_update().select_related("order").get(pk=shipment_id)
        policy = silence_policy(shipment.carrier_code, carrier_name=shipment.carrier)
        silent_since = shipment.last_event_at or shipment.created_at
        if (
            policy is None
            or shipment.delayed_since is not None
            or shipment.status in FINAL_SHIPMENT_STATUSES
            or shipment.order.status in _SETTLED_ORDERS
            or now - silent_since <= timedelta(days=policy.days_without_event)
        ):
            return False
        silent_days = (now - silent_since).days
        ticket = _open_alert(customer, shipment, policy=policy, silent_days=silent_days)
        shipment.delayed_since = now
        shipment.delay_ticket = ticket
        shipment.save(update_fields=["delayed_since", "delay_ticket", "updated_at"])
        record_event(
            actor,
            "shipment.delayed",
            shipment,
            after={
                "order_id": shipment.order_id,
                "carrier": shipment.carrier_code,
                "silent_days": silent_days,
                "ticket_id": ticket.pk,
            },
        )
        if policy.notify_customer:
            plan_outreach(
                customer,
                kind="delivery_delay",
                purpose=Purpose.SERVICE,
                dedupe_key=delay_dedupe_key(shipment),
                text=_apology(customer, shipment, carrier=policy.name, since=silent_since),
                actor=actor,
                ticket=ticket,
                meta={"shipment_id": shipment.pk, "order_number": shipment.order.number},
            )
    return True


def clear_delay(shipment: Shipment, *, events: list[PendingEvent]) -> None:
    """Take the delay flag off the locked `shipment` (the carrier spoke again) and cancel
    the customer's apology if it has not been sent. Appends "shipment.delay_cleared"."""
    if shipment.delayed_since is None:
        return
    key = delay_dedupe_key(shipment)
    events.append(
        pending_event(
            "shipment.delay_cleared",
            shipment,
            before={"delayed_since": shipment.delayed_since.isoformat()},
            after={"order_id": shipment.order_id, "status": shipment.status},
        )
    )
    shipment.delayed_since = None
    shipment.save(update_fields=["delayed_since", "updated_at"])
    cancel_outreach(key, reason="tracking resumed")


def _customer_channel(customer: Customer) -> str:
    """The channel of the customer's latest ticket, or "api" when they have none."""
    channel = (
        Ticket.objects.filter(customer=customer)
        .order_by("-last_activity_at", "-pk")
        .values_list("origin_channel", flat=True)
        .first()
    )
    return channel or "api"


def _open_alert(
    customer: Customer, shipment: Shipment, *, policy: SilencePolicy, silent_days: int
) -> Ticket:
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "number": shipment.order.number,
            "carrier": policy.name,
            "tracking": shipment.tracking_number,
            "days": silent_days,
        }
        subject = _("Order %(number)s: parcel silent for %(days)d days") % values
        note = _(
            "The parcel %(tracking)s of order %(number)s with %(carrier)s has had no "
            "tracking update for %(days)d days (status: %(status)s). Check with the "
            "carrier and keep the customer informed."
        ) % {**values, "status": shipment.get_status_display()}
    return open_ticket_for(
        customer,
        subject=subject,
        channel=_customer_channel(customer),
        actor=Actor.automation(DELAY_ACTOR),
        note=note,
    )


def _apology(customer: Customer, shipment: Shipment, *, carrier: str, since: datetime) -> str:
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        date = formats.date_format(timezone.localtime(since), "j F Y")
        return _(
            "Sorry, your parcel %(tracking)s for order %(number)s with %(carrier)s has had no "
            "update since %(date)s. We are checking with the carrier and will let you know "
            "as soon as we hear from them."
        ) % {
            "tracking": shipment.tracking_number,
            "number": shipment.order.number,
            "carrier": carrier,
            "date": date,
        }

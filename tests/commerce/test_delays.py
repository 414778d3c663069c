"""Delay detection: parcels whose carrier has been silent past its policy are flagged once,
with an alert ticket and (when the policy says so) an apology planned for the customer; the
next tracking event clears the flag."""

from datetime import timedelta

import pytest

from sapa.channels.kinds import Channel, IdentityKind
from sapa.channels.messages import Address
from sapa.commerce.actions import add_tracking_events, record_order
from sapa.commerce.actions.delays import flag_delayed_shipments
from sapa.commerce.actions.tracking import TrackingEvent
from sapa.commerce.models import CarrierPolicy, OrderStatus, Shipment, ShipmentStatus
from sapa.conversations.models import Message, Ticket
from sapa.core import clock
from sapa.core.models import Event
from sapa.engagement.models import Outreach, OutreachStatus
from tests.builders import inbound
from tests.commerce.conftest import SHOP, at, order_data, place, shipment

pytestmark = pytest.mark.django_db


def sweep(when):
    with clock.frozen_at(when):
        return flag_delayed_shipments()


def ship(carrier="JNE", tracking="JNE001", *events, status=OrderStatus.SHIPPED, number="INV-1"):
    """An order placed at at(0) with one parcel whose last scan is `events` (default: picked
    up at at(1))."""
    with clock.frozen_at(at(0)):
        place(
            number,
            status=status,
            shipments=(
                shipment(*(events or ((at(1), "picked_up"),)), carrier=carrier, tracking=tracking),
            ),
        )
    return Shipment.objects.get(tracking_number=tracking)


def test_a_silent_parcel_is_flagged_once_with_an_alert_and_an_apology():
    # given: JNE allows 3 days; last scan on the 11th
    parcel = ship()
    # when / then: not yet
    assert sweep(at(1) + timedelta(days=3)) == 0
    # when: past three days, twice
    flagged_at = at(1) + timedelta(days=3, minutes=30)
    assert sweep(flagged_at) == 1
    assert sweep(flagged_at + timedelta(hours=1)) == 0
    # then: the flag
    parcel.refresh_from_db()
    assert parcel.delayed_since == flagged_at
    [event] = Event.objects.filter(verb="shipment.delayed")
    assert event.after == {
        "order_id": parcel.order_id,
        "carrier": "jne",
        "silent_days": 3,
        "ticket_id": parcel.delay_ticket_id,
    }
    assert (event.actor_kind, event.actor_label) == ("automation", "delay")
    # the alert ticket, with the note on what is late
    [ticket] = Ticket.objects.all()
    assert ticket == parcel.delay_ticket
    assert (ticket.customer_id, ticket.status, ticket.origin_channel) == (
        parcel.order.customer_id,
        "new",
        "api",
    )
    assert "INV-1" in ticket.subject
    [note] = Message.objects.filter(ticket=ticket)
    # (the sentence is in the shop's language: check the facts in it)
    assert "JNE001" in note.text
    assert "JNE" in note.text
    assert " 3 " in note.text
    # the apology, once
    [outreach] = Outreach.objects.all()
    assert (outreach.kind, outreach.purpose, outreach.ticket_id, outreach.status) == (
        "delivery_delay",
        "service",
        ticket.pk,
        OutreachStatus.PLANNED,
    )
    assert outreach.dedupe_key == f"delivery_delay:shipment:{parcel.pk}:2026-11-14"
    assert "JNE001" in outreach.text
    assert "11 November 2026" in outreach.text


def test_the_alert_goes_to_the_channel_the_customer_last_used():
    inbound("halo, paket saya?", channel=Channel.WHATSAPP, email=None, phone="+6281298765432")
    with clock.frozen_at(at(0)):
        record_order(
            order_data(
                status=OrderStatus.SHIPPED,
                customer_addresses=(Address(IdentityKind.PHONE, "+6281298765432"),),
                shipments=(shipment((at(1), "picked_up")),),
            ),
            actor=SHOP,
        )
    sweep(at(10))
    assert Shipment.objects.get().delay_ticket.origin_channel == "whatsapp"


def test_instant_couriers_are_late_after_one_day():
    ship("GoSend Instant", "GK-1", (at(0, hours=1), "picked_up"))
    assert sweep(at(1)) == 0
    assert sweep(at(1, hours=2)) == 1


def test_a_policy_without_customer_notice_alerts_the_team_only():
    CarrierPolicy.objects.filter(code="jne").update(notify_customer=False)
    ship()
    assert sweep(at(10)) == 1
    assert Ticket.objects.count() == 1
    assert not Outreach.objects.exists()


def test_an_inactive_policy_is_never_flagged():
    CarrierPolicy.objects.filter(code="jne").update(active=False)
    ship()
    assert sweep(at(30)) == 0


def test_unknown_carriers_use_the_default(settings):
    settings.SAPA_DELIVERY_DELAY_DAYS = 5
    ship("Kurir Toko", "KT-1")
    assert sweep(at(1) + timedelta(days=4, hours=23)) == 0
    assert sweep(at(1) + timedelta(days=5, hours=1)) == 1


def test_a_parcel_without_any_scan_counts_from_its_creation():
    with clock.frozen_at(at(0)):
        place(status=OrderStatus.PACKED, shipments=(shipment(tracking="JNE9"),))
    assert sweep(at(2, hours=23)) == 0
    assert sweep(at(3, hours=1)) == 1


@pytest.mark.parametrize("status", [OrderStatus.CANCELLED, OrderStatus.DELIVERED])
def test_parcels_of_settled_orders_are_not_watched(status):
    ship(status=status)
    assert sweep(at(30)) == 0


def test_delivered_parcels_are_not_watched():
    ship("JNE", "JNE001", (at(1), "picked_up"), (at(2), "delivered"))
    assert sweep(at(30)) == 0


def test_a_new_scan_clears_the_flag_and_cancels_the_apology():
    # given: flagged
    parcel = ship()
    sweep(at(10))
    # when: a scan older than the last one arrives late: still delayed
    add_tracking_events(
        parcel, (TrackingEvent(at=at(0, hours=5), status=ShipmentStatus.PENDING),), actor=SHOP
    )
    parcel.refresh_from_db()
    assert parcel.delayed_since is not None
    # when: a new scan
    with clock.frozen_at(at(10, hours=1)):
        add_tracking_events(
            parcel,
            (TrackingEvent(at=at(10), status=ShipmentStatus.IN_TRANSIT, description="Hub"),),
            actor=SHOP,
        )
    # then
    parcel.refresh_from_db()
    assert parcel.delayed_since is None
    assert Event.objects.filter(verb="shipment.delay_cleared").count() == 1
    outreach = Outreach.objects.get()
    assert (outreach.status, outreach.reason) == (OutreachStatus.CANCELLED, "tracking resumed")
    # and it can be flagged again later, as a new delay
    assert sweep(at(14)) == 1
    assert Outreach.objects.count() == 2

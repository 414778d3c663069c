"""A delivered order starts its thank-you (with one promo code) and review request; exactly
once whatever the shop and the queue do twice or late; a return calls off what is waiting."""

from dataclasses import replace
from datetime import timedelta

import pytest

from sapa.commerce.models import OrderStatus
from sapa.core.actors import Actor
from sapa.core.event_dispatch import dispatch, suppressed
from sapa.core.models import Event
from sapa.customers.actions import update_customer
from sapa.engagement.models import Outreach, OutreachStatus, Purpose
from sapa.loyalty import handlers
from sapa.loyalty.actions import SettingsDraft, catch_up_deliveries, update_after_sale_settings
from sapa.loyalty.models import PromoCode, PromoCodeKind, PromoCodeStatus
from sapa.loyalty.queries import get_after_sale_settings
from tests.loyalty.conftest import NOW, push_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Push the order in transit, then delivered, running what happens after commit."""

    def run(number="INV-1", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            push_order(number, OrderStatus.IN_TRANSIT, **fields)
        with django_capture_on_commit_callbacks(execute=True):
            return push_order(number, OrderStatus.DELIVERED, status_at=NOW, **fields)

    return run


def _settings(**changes):
    draft = replace(SettingsDraft.of(get_after_sale_settings()), **changes)
    update_after_sale_settings(draft, actor=Actor.system("test"))


def _outreach(kind):
    return list(Outreach.objects.filter(kind=kind))


def test_delivered_order_gets_one_thank_you_with_one_code_and_a_review_request(deliver):
    """Delivered: one thank-you code, a thank-you naming it, a review request a week on."""
    # when
    order = deliver()
    # then
    code = PromoCode.objects.get()
    assert code.kind == PromoCodeKind.THANK_YOU
    assert code.source_order_id == order.pk
    assert code.customer_id == order.customer_id
    assert code.discount_percent == 10
    assert code.expires_at == NOW + timedelta(days=30)
    (thank_you,) = _outreach("thank_you")
    assert thank_you.dedupe_key == f"thank_you:order:{order.pk}"
    assert thank_you.purpose == Purpose.MARKETING
    assert thank_you.text.startswith("Halo Rina, pesanan INV-1 sudah sampai.")
    assert f"pakai kode {code.code} untuk potongan 10%" in thank_you.text
    assert "berlaku sampai 10 Desember 2026" in thank_you.text
    assert thank_you.subject == "Terima kasih, pesanan INV-1 sudah sampai"
    (review,) = _outreach("review_request")
    assert review.dedupe_key == f"review_request:order:{order.pk}"
    assert review.send_after == NOW + timedelta(days=7)
    assert review.status == OutreachStatus.PLANNED
    assert "/r/" in review.text
    assert Event.objects.filter(verb="promo_code.issued").count() == 1


def test_english_customer_gets_english_texts(deliver, django_capture_on_commit_callbacks):
    # given a customer who speaks English
    with django_capture_on_commit_callbacks(execute=True):
        order = push_order("INV-1", OrderStatus.IN_TRANSIT)
    update_customer(order.customer, language="en", actor=Actor.system("test"))
    # when
    deliver()
    # then
    (thank_you,) = _outreach("thank_you")
    code = PromoCode.objects.get()
    assert thank_you.text.startswith("Hi Rina, your order INV-1 has arrived.")
    assert f"use the code {code.code} for 10% off" in thank_you.text
    assert "valid until 10 December 2026" in thank_you.text
    assert _outreach("review_request")[0].text.startswith("Hi Rina, how is your order INV-1?")


def test_events_handled_twice_change_nothing(deliver):
    """The task retried: the same events reach the handler again; also straight twice."""
    # given
    deliver()
    events = list(Event.objects.filter(verb__startswith="order.").order_by("pk"))
    # when
    dispatch(events)
    handlers.on_events(events)
    handlers.on_events(events)
    # then
    assert PromoCode.objects.count() == 1
    assert len(_outreach("thank_you")) == 1
    assert len(_outreach("review_request")) == 1
    assert Event.objects.filter(verb="outreach.planned").count() == 2


def test_order_pushed_delivered_again_and_then_stale_changes_nothing(
    deliver, django_capture_on_commit_callbacks
):
    """The shop sends "delivered" twice, then an old "shipped" that arrives late."""
    # given
    order = deliver()
    code = PromoCode.objects.get()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        push_order("INV-1", OrderStatus.DELIVERED, status_at=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        push_order("INV-1", OrderStatus.SHIPPED, status_at=NOW - timedelta(days=2))
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert list(PromoCode.objects.values_list("pk", "status")) == [
        (code.pk, PromoCodeStatus.ACTIVE)
    ]
    assert len(_outreach("thank_you")) == 1
    assert _outreach("thank_you")[0].status != OutreachStatus.CANCELLED


def test_order_first_seen_delivered_starts_once(django_capture_on_commit_callbacks):
    """An order the shop first reports already delivered ("order.created")."""
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order = push_order("INV-9", OrderStatus.DELIVERED, status_at=NOW - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        push_order("INV-9", OrderStatus.DELIVERED, status_at=NOW - timedelta(days=1))
    # then
    assert PromoCode.objects.filter(source_order=order).count() == 1
    assert len(_outreach("thank_you")) == 1
    assert _outreach("review_request")[0].send_after == NOW + timedelta(days=6)


def test_order_delivered_long_ago_gets_nothing(django_capture_on_commit_callbacks):
    """A backfill of old orders sends no wave of thank-yous."""
    with django_capture_on_commit_callbacks(execute=True):
        push_order("INV-OLD", OrderStatus.DELIVERED, status_at=NOW - timedelta(days=30))
    assert PromoCode.objects.count() == 0
    assert Outreach.objects.count() == 0


def test_cancelled_order_gets_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        push_order("INV-2", OrderStatus.PLACED)
    with django_capture_on_commit_callbacks(execute=True):
        push_order("INV-2", OrderStatus.CANCELLED)
    assert PromoCode.objects.count() == 0
    assert Outreach.objects.count() == 0


def test_return_before_the_thank_you_went_out_calls_it_off_and_voids_the_code(
    deliver, settings, django_capture_on_commit_callbacks
):
    # given quiet hours now: the thank-you waits
    settings.SAPA_QUIET_HOURS = "09:00-12:00"
    deliver()
    assert _outreach("thank_you")[0].status == OutreachStatus.PLANNED
    # when the parcel goes back
    with django_capture_on_commit_callbacks(execute=True):
        push_order("INV-1", OrderStatus.RETURNED)
    # then
    (thank_you,) = _outreach("thank_you")
    (review,) = _outreach("review_request")
    assert (thank_you.status, thank_you.reason) == (OutreachStatus.CANCELLED, "order returned")
    assert review.status == OutreachStatus.CANCELLED
    code = PromoCode.objects.get()
    assert (code.status, code.void_reason) == (PromoCodeStatus.VOID, "order returned")
    assert Event.objects.filter(verb="promo_code.voided").count() == 1


def test_return_after_the_thank_you_went_out_keeps_the_code(
    deliver, django_capture_on_commit_callbacks
):
    """A code the customer was told about stays theirs; the review request is called off."""
    # given a thank-you that was sent
    deliver()
    Outreach.objects.filter(kind="thank_you").update(status=OutreachStatus.SENT, sent_at=NOW)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        push_order("INV-1", OrderStatus.RETURNED)
    # then
    assert PromoCode.objects.get().status == PromoCodeStatus.ACTIVE
    assert _outreach("review_request")[0].status == OutreachStatus.CANCELLED


def test_switched_off_sequences_plan_nothing(deliver):
    # given
    _settings(thank_you_enabled=False, review_enabled=False)
    # when
    deliver()
    # then
    assert PromoCode.objects.count() == 0
    assert Outreach.objects.count() == 0


def test_thank_you_without_code(deliver):
    # given
    _settings(thank_you_promo=False)
    # when
    deliver()
    # then
    assert PromoCode.objects.count() == 0
    (thank_you,) = _outreach("thank_you")
    assert "kode" not in thank_you.text
    assert "{" not in thank_you.text


def test_fixed_amount_code_with_minimum_order(deliver):
    # given
    _settings(discount_kind="amount", discount_minor=25000, min_order_minor=100000)
    # when
    deliver()
    # then
    code = PromoCode.objects.get()
    assert (code.discount_percent, code.discount_minor, code.min_order_minor) == (
        None,
        25000,
        100000,
    )
    text = _outreach("thank_you")[0].text
    assert "untuk potongan Rp25.000" in text
    assert "Minimal belanja Rp100.000." in text


def test_the_hourly_catch_up_repairs_a_lost_event(django_capture_on_commit_callbacks):
    """The delivery's event never reached the handler; the catch-up starts it, once."""
    # given a delivery whose events were not dispatched
    with suppressed():
        order = push_order("INV-5", OrderStatus.DELIVERED, status_at=NOW - timedelta(hours=5))
    assert Outreach.objects.count() == 0
    # when the hourly task runs, twice
    with django_capture_on_commit_callbacks(execute=True):
        assert catch_up_deliveries(hours=48) == 1
        assert catch_up_deliveries(hours=48) == 1
    # then
    assert PromoCode.objects.filter(source_order=order).count() == 1
    assert len(_outreach("thank_you")) == 1
    assert _outreach("review_request")[0].send_after == NOW - timedelta(hours=5) + timedelta(days=7)

"""Events become signed deliveries to a real local receiver: one per matching subscription
and event, retried with backoff, given up after the last attempt, and a subscription that
keeps failing is switched off."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from sapa.conversations.actions import set_status
from sapa.conversations.models import Ticket, TicketStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.webhooks import actions, handlers, tasks, transport
from sapa.webhooks.actions import SubscriptionDraft
from sapa.webhooks.exceptions import UnknownEvents, UrlRefused
from sapa.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from sapa.webhooks.signing import verify
from tests.builders import inbound

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


def subscribe(url, events, name="CRM"):
    return actions.create_subscription(
        SubscriptionDraft(name=name, url=url, events=events), actor=SYSTEM
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs the on-commit work (event dispatch, enqueued deliveries) of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def retry_now(delivery):
    """Run the delivery's due retry, at the time it is due."""
    delivery.refresh_from_db()
    with clock.frozen_at(delivery.next_attempt_at):
        tasks.deliver.call_local(delivery.pk)
    delivery.refresh_from_db()
    return delivery


def test_an_event_is_sent_once_to_each_matching_subscription(receiver, committed):
    """A new ticket reaches the two subscriptions that want it, signed, and not the one that
    only wants orders."""
    # given
    crm = subscribe(receiver.url + "crm", ["ticket.created"])
    everything = subscribe(receiver.url + "all", ["*"], name="Data warehouse")
    subscribe(receiver.url + "orders", ["order.*"], name="Gudang")
    # when
    with committed():
        result = inbound("min, pesanan sy blm sampe", email="budi@example.com", name="Budi")
    # then
    ticket = Ticket.objects.get(pk=result.ticket_id)
    created = WebhookDelivery.objects.filter(event="ticket.created").order_by("subscription_id")
    assert [(d.subscription_id, d.status, d.attempts) for d in created] == [
        (crm.pk, DeliveryStatus.DELIVERED, 1),
        (everything.pk, DeliveryStatus.DELIVERED, 1),
    ]
    assert sorted((r.path, r.headers["X-Sapa-Event"]) for r in receiver.requests) == [
        ("/hooks/all", "customer.created"),
        ("/hooks/all", "message.received"),
        ("/hooks/all", "ticket.created"),
        ("/hooks/crm", "ticket.created"),
    ]
    request = next(r for r in receiver.requests if r.path == "/hooks/crm")
    delivery = created[0]
    assert request.headers["X-Sapa-Event"] == "ticket.created"
    assert request.headers["X-Sapa-Delivery"] == str(delivery.pk)
    assert request.headers["User-Agent"] == "Sapa-Webhooks/1"
    assert request.headers["Content-Type"] == "application/json"
    assert verify(
        crm.secret,
        request.headers["X-Sapa-Timestamp"],
        request.body,
        request.headers["X-Sapa-Signature"],
    )
    body = json.loads(request.body)
    assert (body["id"], body["event"]) == (delivery.pk, "ticket.created")
    assert body["data"]["verb"] == "ticket.created"
    assert body["data"]["ticket"]["number"] == ticket.number
    assert body["data"]["ticket"]["customer"] == {"id": result.customer_id, "name": "Budi"}
    assert body["data"]["ticket"]["status"] == "new"


def test_status_changes_are_sent_as_ticket_updated_with_the_raw_verb(receiver, committed):
    # given
    subscribe(receiver.url, ["ticket.updated"])
    result = inbound("halo")
    ticket = Ticket.objects.get(pk=result.ticket_id)
    # when
    with committed():
        set_status(ticket, status=TicketStatus.PENDING, actor=SYSTEM)
    # then
    (request,) = receiver.requests
    data = json.loads(request.body)["data"]
    assert request.headers["X-Sapa-Event"] == "ticket.updated"
    assert (data["verb"], data["before"], data["after"]) == (
        "ticket.status_changed",
        {"status": "new"},
        {"status": "pending"},
    )
    assert data["ticket"]["status"] == "pending"


def test_message_events_carry_the_text_and_channel(receiver, committed):
    subscribe(receiver.url, ["message.received"])
    with committed():
        inbound("paket sy blm sampe", channel="email")
    (request,) = receiver.requests
    message = json.loads(request.body)["data"]["message"]
    assert (message["text"], message["channel"], message["direction"]) == (
        "paket sy blm sampe",
        "email",
        "inbound",
    )


def test_a_failed_attempt_is_retried_with_backoff_then_delivered(receiver, committed):
    """500 → a retry a minute later; 200 → delivered, and the failure count is reset."""
    # given
    subscription = subscribe(receiver.url, ["ticket.created"])
    receiver.answers = [500]
    started = timezone.now()
    # when
    with committed():
        inbound("halo")
    # then
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.FAILED,
        1,
        500,
    )
    assert len(delivery.response_excerpt.encode()) == 1024
    assert started + timedelta(minutes=1) <= delivery.next_attempt_at
    assert delivery.next_attempt_at <= timezone.now() + timedelta(minutes=1)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 1
    # when the retry is due
    delivery = retry_now(delivery)
    # then
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        2,
        200,
    )
    assert delivery.response_excerpt == '{"ok": true}'
    assert len(receiver.requests) == 2
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


def test_a_retry_is_not_sent_before_it_is_due(receiver, committed):
    subscribe(receiver.url, ["ticket.created"])
    receiver.answers = [500]
    with committed():
        inbound("halo")
    delivery = WebhookDelivery.objects.get()
    tasks.deliver.call_local(delivery.pk)
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_the_delivery_gives_up_after_the_last_attempt(receiver, committed):
    """Seven attempts; after the first minute the waits are 5 min, 30 min, 2 h, 6 h, 12 h."""
    # given
    subscribe(receiver.url, ["ticket.created"])
    receiver.answers = [500] * 10
    with committed():
        inbound("halo")
    delivery = WebhookDelivery.objects.get()
    waits = []
    # when
    while delivery.status == DeliveryStatus.FAILED:
        attempted_at = delivery.next_attempt_at
        delivery = retry_now(delivery)
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - attempted_at)
    # then
    assert waits == [
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=6),
        timedelta(hours=12),
    ]
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        DeliveryStatus.GAVE_UP,
        7,
        None,
    )
    assert len(receiver.requests) == 7


def test_a_subscription_that_keeps_failing_is_switched_off(receiver, committed, settings):
    """After SAPA_WEBHOOK_DISABLE_AFTER_FAILURES failed attempts in a row: off, with a
    reason and an event; nothing new is sent; switching it on resets the count."""
    # given
    settings.SAPA_WEBHOOK_DISABLE_AFTER_FAILURES = 3
    subscription = subscribe(receiver.url, ["ticket.created"])
    receiver.answers = [500, 500, 500]
    # when
    with committed():
        for number in range(3):
            inbound("halo", email=f"pelanggan{number}@example.com")
    # then
    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures) == (False, 3)
    assert subscription.disabled_reason == "Switched off after 3 failed deliveries in a row."
    event = Event.objects.get(verb="webhook.disabled")
    assert (event.subject_id, event.actor_kind, event.after["failures"]) == (
        subscription.pk,
        "system",
        3,
    )
    # a retry due later gives up without sending, and new events create no delivery
    first = WebhookDelivery.objects.order_by("pk").first()
    assert retry_now(first).status == DeliveryStatus.GAVE_UP
    with committed():
        inbound("halo lagi", email="baru@example.com")
    assert WebhookDelivery.objects.count() == 3
    assert len(receiver.requests) == 3
    # when switched on again
    actions.enable_subscription(subscription, actor=SYSTEM)
    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures) == (True, 0)
    assert subscription.disabled_reason == ""


def test_an_event_handled_twice_is_delivered_once(receiver, committed):
    # given
    subscribe(receiver.url, ["ticket.created"])
    with committed():
        inbound("halo")
    event = Event.objects.get(verb="ticket.created")
    # when the handler gets the same event again
    with committed():
        handlers.on_events([event])
        handlers.on_events([event])
    # then
    assert WebhookDelivery.objects.count() == 1
    assert len(receiver.requests) == 1


def test_two_workers_on_one_delivery_send_it_once(receiver, committed, monkeypatch):
    """A second worker that picks the delivery up while the first is sending finds it taken
    and sends nothing."""
    # given
    subscribe(receiver.url, ["ticket.created"])
    receiver.answers = [500]
    with committed():
        inbound("halo")
    delivery = WebhookDelivery.objects.get()
    real_post = transport.post
    second: list[object] = []

    def post_while_another_worker_tries(url, **kwargs):
        second.append(tasks.send(delivery.pk))
        return real_post(url, **kwargs)

    monkeypatch.setattr(transport, "post", post_while_another_worker_tries)
    # when
    delivery = retry_now(delivery)
    # then
    assert second == [None]
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert len(receiver.requests) == 2


def test_redirects_are_not_followed(receiver, committed):
    subscribe(receiver.url, ["ticket.created"])
    receiver.answers = [302]
    with committed():
        inbound("halo")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.FAILED, 302)
    assert [r.path for r in receiver.requests] == ["/hooks/"]


def test_an_unreachable_receiver_is_a_failed_attempt(committed):
    subscribe("http://127.0.0.1:9/nobody", ["ticket.created"])
    with committed():
        inbound("halo")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.FAILED, None)
    assert "Connection refused" in delivery.last_error


def test_private_addresses_are_refused_when_saving(settings):
    """Without SAPA_WEBHOOK_ALLOW_PRIVATE_NETWORKS, loopback and private URLs are refused,
    and only http(s) is accepted."""
    settings.SAPA_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    for url in (
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "ftp://files.example.com/hook",
        "https://user:pass@example.com/hook",
    ):
        with pytest.raises(UrlRefused):
            subscribe(url, ["ticket.created"])
    assert not WebhookSubscription.objects.exists()
    assert subscribe("http://93.184.215.14/hook", ["ticket.created"]).pk


def test_private_addresses_are_refused_again_when_sending(receiver, committed, settings):
    """A URL accepted earlier (or a name that now resolves inside) is not connected to."""
    subscribe(receiver.url, ["ticket.created"])
    settings.SAPA_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    with committed():
        inbound("halo")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == (
        DeliveryStatus.FAILED,
        "Refused to connect to 127.0.0.1: not a public address.",
    )
    assert receiver.requests == []


def test_unknown_events_are_refused():
    with pytest.raises(UnknownEvents):
        subscribe("https://crm.example.com/hook", ["ticket.deleted"])
    with pytest.raises(UnknownEvents):
        subscribe("https://crm.example.com/hook", [])
    assert subscribe("https://crm.example.com/hook", ["ticket.*", "order.created"]).events == [
        "order.created",
        "ticket.*",
    ]


def test_send_one_off_delivers_a_signed_payload_without_a_subscription(receiver, committed):
    """What the automation "call a webhook" action uses."""
    # given
    result = inbound("halo")
    # when
    with committed():
        delivery = actions.send_one_off(
            url=receiver.url + "rule",
            secret="rahasia-aturan",
            event="automation.webhook",
            payload={"ticket_number": 7, "at": timezone.now()},
            ticket_id=result.ticket_id,
        )
    # then
    delivery.refresh_from_db()
    assert (delivery.subscription_id, delivery.ticket_id, delivery.status) == (
        None,
        result.ticket_id,
        DeliveryStatus.DELIVERED,
    )
    (request,) = receiver.requests
    assert request.path == "/hooks/rule"
    assert request.headers["X-Sapa-Event"] == "automation.webhook"
    assert verify(
        "rahasia-aturan",
        request.headers["X-Sapa-Timestamp"],
        request.body,
        request.headers["X-Sapa-Signature"],
    )
    assert json.loads(request.body)["data"]["ticket_number"] == 7


def test_send_one_off_refuses_a_url_that_is_not_http():
    with pytest.raises(UrlRefused):
        actions.send_one_off(url="file:///etc/passwd", secret="s", event="x", payload={})
    assert not WebhookDelivery.objects.exists()


def test_the_sweep_frees_stalled_deliveries_and_sends_due_ones(receiver, committed):
    """A worker that died mid-send leaves the delivery "delivering"; ten minutes later the
    sweep puts it back, and the next sweep sends it."""
    # given
    subscribe(receiver.url, ["ticket.created"])
    with committed():
        inbound("halo")
    delivery = WebhookDelivery.objects.get()
    stalled_at = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DELIVERING, claimed_at=stalled_at
    )
    # when
    with clock.frozen_at(stalled_at + timedelta(minutes=11)):
        tasks.sweep_deliveries.call_local()
    with clock.frozen_at(stalled_at + timedelta(minutes=13)):
        tasks.sweep_deliveries.call_local()
    # then
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert len(receiver.requests) == 2


def test_payloads_for_a_batch_take_few_queries(receiver, django_assert_max_num_queries):
    subscribe(receiver.url, ["ticket.*", "message.*"])
    for number in range(5):
        inbound("halo", email=f"p{number}@example.com")
    events = list(Event.objects.filter(verb__in=["ticket.created", "message.received"]))
    assert len(events) == 10
    with django_assert_max_num_queries(10):
        handlers.on_events(events)
    assert WebhookDelivery.objects.count() == 10

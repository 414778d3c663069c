"""State changes of the webhooks domain: subscriptions (admins: MANAGE_CHANNELS), the
deliveries events and automations create, and what each delivery attempt leaves behind.

Subscription changes write an Event ("webhook.created", ...). Deliveries are their own log
and write none, except when repeated failure switches a subscription off
("webhook.disabled"). Every new or redelivered delivery is handed to the worker once the
transaction commits.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from sapa.accounts.permissions import Permission, require
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.core.models import Event
from sapa.webhooks import payloads
from sapa.webhooks.destinations import check_scheme, check_url
from sapa.webhooks.exceptions import UnknownEvents
from sapa.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription, new_secret
from sapa.webhooks.transport import Outcome

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd, ... failed attempt; after the last one the delivery gives up.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
DUE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


@dataclass
class SubscriptionDraft:
    """What an admin fills in: a name, the receiving URL, event patterns."""

    name: str
    url: str
    events: list[str] = field(default_factory=list)


def _enqueue(delivery_ids: list[int]) -> None:
    """After commit, hand the deliveries to the worker."""
    if not delivery_ids:
        return

    def enqueue() -> None:
        from sapa.webhooks.tasks import deliver  # tasks import this module

        for delivery_id in delivery_ids:
            try:
                deliver(delivery_id)
            except Exception:
                # The sweep picks up what could not be enqueued.
                logger.exception("could not enqueue webhook delivery %s", delivery_id)

    transaction.on_commit(enqueue)


def _clean_events(patterns: Iterable[str]) -> list[str]:
    groups = {f"{group}.*" for group in payloads.event_groups()}
    cleaned = sorted({p.strip() for p in patterns if p.strip()})
    if not cleaned:
        raise UnknownEvents(_("Choose at least one event."))
    unknown = [
        p for p in cleaned if p != "*" and p not in payloads.PUBLIC_EVENTS and p not in groups
    ]
    if unknown:
        raise UnknownEvents(_("Unknown events: %(events)s.") % {"events": ", ".join(unknown)})
    return cleaned


def _clean(draft: SubscriptionDraft) -> SubscriptionDraft:
    name = draft.name.strip()
    if not name:
        raise InvalidInput(_("Give the webhook a name."), loc=["body", "name"])
    url = draft.url.strip()
    check_url(url)
    return SubscriptionDraft(name=name[:100], url=url, events=_clean_events(draft.events))


def _fields(subscription: WebhookSubscription) -> dict[str, Any]:
    return {"name": subscription.name, "url": subscription.url, "events": subscription.events}


def create_subscription(draft: SubscriptionDraft, *, actor: Actor) -> WebhookSubscription:
    """A new active subscription with a fresh secret. Raises PermissionDenied,
    InvalidInput (name), UrlRefused, UnknownEvents."""
    require(actor, Permission.MANAGE_CHANNELS)
    clean = _clean(draft)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            name=clean.name,
            url=clean.url,
            events=clean.events,
            created_by=actor.agent,
            created_at=clock.now(),
        )
        record_event(actor, "webhook.created", subscription, after=_fields(subscription))
    return subscription


def update_subscription(
    subscription: WebhookSubscription, draft: SubscriptionDraft, *, actor: Actor
) -> WebhookSubscription:
    """Change name, URL and events. Raises as create_subscription."""
    require(actor, Permission.MANAGE_CHANNELS)
    clean = _clean(draft)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        before = _fields(subscription)
        subscription.name, subscription.url, subscription.events = (
            clean.name,
            clean.url,
            clean.events,
        )
        after = _fields(subscription)
        if after != before:
            subscription.save(update_fields=["name", "url", "events", "updated_at"])
            changed = [key for key in after if after[key] != before[key]]
            record_event(
                actor,
                "webhook.updated",
                subscription,
                before={key: before[key] for key in changed},
                after={key: after[key] for key in changed},
            )
    return subscription


def delete_subscription(subscription: WebhookSubscription, *, actor: Actor) -> None:
    """Delete the subscription and its delivery log. Raises PermissionDenied."""
    require(actor, Permission.MANAGE_CHANNELS)
    with transaction.atomic():
        record_event(actor, "webhook.deleted", subscription, before=_fields(subscription))
        subscription.delete()


def rotate_secret(subscription: WebhookSubscription, *, actor: Actor) -> WebhookSubscription:
    """A new signing secret; the old one stops working at once (retries included)."""
    require(actor, Permission.MANAGE_CHANNELS)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        subscription.secret = new_secret()
        subscription.save(update_fields=["secret", "updated_at"])
        record_event(actor, "webhook.secret_rotated", subscription)
    return subscription


def enable_subscription(subscription: WebhookSubscription, *, actor: Actor) -> WebhookSubscription:
    """Switch the subscription on again, with its failure count reset."""
    require(actor, Permission.MANAGE_CHANNELS)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.is_active:
            return subscription
        before = {"disabled_reason": subscription.disabled_reason}
        subscription.is_active = True
        subscription.consecutive_failures = 0
        subscription.disabled_at = None
        subscription.disabled_reason = ""
        subscription.save(
            update_fields=[
                "is_active",
                "consecutive_failures",
                "disabled_at",
                "disabled_reason",
                "updated_at",
            ]
        )
        record_event(actor, "webhook.enabled", subscription, before=before)
    return subscription


def disable_subscription(
    subscription: WebhookSubscription, *, reason: str, actor: Actor
) -> WebhookSubscription:
    """Switch the subscription off: no new deliveries, and its retries give up."""
    require(actor, Permission.MANAGE_CHANNELS)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.is_active:
            _switch_off(subscription, reason=reason, actor=actor)
    return subscription


def _switch_off(subscription: WebhookSubscription, *, reason: str, actor: Actor) -> None:
    subscription.is_active = False
    subscription.disabled_at = clock.now()
    subscription.disabled_reason = reason[:300]
    subscription.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
    record_event(
        actor,
        "webhook.disabled",
        subscription,
        after={
            "reason": subscription.disabled_reason,
            "failures": subscription.consecutive_failures,
        },
    )


# --- deliveries ---------------------------------------------------------------------------


def send_one_off(
    *,
    url: str,
    secret: str,
    event: str,
    payload: dict[str, Any],
    ticket_id: int | None = None,
) -> WebhookDelivery:
    """A signed delivery of `payload` (the body's "data") to `url`, without a subscription:
    an automation's "call a webhook". Enqueued when the caller's transaction commits;
    retried like any other. Raises UrlRefused for a URL that is not http(s); private
    addresses are refused when sending (check rules' URLs with destinations.check_url when
    they are saved)."""
    check_scheme(url)
    now = clock.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            url=url.strip(),
            secret=secret,
            event=event[:64],
            ticket_id=ticket_id,
            occurred_at=now,
            payload=payload,
            next_attempt_at=now,
            created_at=now,
        )
        _enqueue([delivery.pk])
    return delivery


def send_test_event(subscription: WebhookSubscription, *, actor: Actor) -> WebhookDelivery:
    """Send a "webhook.test" delivery now, whatever events the subscription asks for and
    even while it is switched off (to check the endpoint before switching it on)."""
    require(actor, Permission.MANAGE_CHANNELS)
    now = clock.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            url=subscription.url,
            event=payloads.TEST_EVENT,
            occurred_at=now,
            payload=payloads.sample_data(),
            next_attempt_at=now,
            created_at=now,
        )
        _enqueue([delivery.pk])
    return delivery


def redeliver(delivery: WebhookDelivery, *, actor: Actor) -> WebhookDelivery:
    """A new delivery with the same event and data, sent now (to the subscription's current
    URL). The original stays in the log as it was."""
    require(actor, Permission.MANAGE_CHANNELS)
    now = clock.now()
    with transaction.atomic():
        copy = WebhookDelivery.objects.create(
            subscription=delivery.subscription,
            url=delivery.subscription.url if delivery.subscription else delivery.url,
            secret=delivery.secret,
            event=delivery.event,
            ticket_id=delivery.ticket_id,
            redelivery_of=delivery,
            occurred_at=delivery.occurred_at,
            payload=delivery.payload,
            next_attempt_at=now,
            created_at=now,
        )
        _enqueue([copy.pk])
    return copy


def create_event_deliveries(events: list[Event]) -> list[int]:
    """One delivery per active subscription whose patterns match each event (the public
    name), at most one per (subscription, event) however often this runs; returns the ids
    of those still waiting, all enqueued on commit. A few queries for the whole batch."""
    named = [(event, payloads.public_name(event.verb)) for event in events]
    wanted = [(event, name) for event, name in named if name is not None]
    if not wanted:
        return []
    subscriptions = list(WebhookSubscription.objects.filter(is_active=True).order_by("pk"))
    pairs = [
        (subscription, event, name)
        for event, name in wanted
        for subscription in subscriptions
        if payloads.matches(subscription.events, name)
    ]
    if not pairs:
        return []
    data = payloads.event_data(list({event.pk: event for _s, event, _n in pairs}.values()))
    now = clock.now()
    with transaction.atomic():
        WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    subscription=subscription,
                    url=subscription.url,
                    event=name,
                    source_event=event,
                    ticket_id=data[event.pk].get("ticket", {}).get("id"),
                    occurred_at=event.at,
                    payload=data[event.pk],
                    next_attempt_at=now,
                    created_at=now,
                )
                for subscription, event, name in pairs
            ],
            ignore_conflicts=True,
        )
        waiting = list(
            WebhookDelivery.objects.filter(
                source_event__in=[event.pk for _s, event, _n in pairs],
                subscription__in=[subscription.pk for subscription, _e, _n in pairs],
                status__in=DUE_STATUSES,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _enqueue(waiting)
    return waiting


def claim_delivery(delivery_id: int) -> WebhookDelivery | None:
    """Take a due delivery for this worker (pending/failed -> delivering); None when it is
    not due or another worker has it. The conditional UPDATE is the claim."""
    now = clock.now()
    claimed = WebhookDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=delivery_id,
        status__in=DUE_STATUSES,
    ).update(status=DeliveryStatus.DELIVERING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)


def give_up(delivery: WebhookDelivery, *, reason: str) -> WebhookDelivery:
    """End a claimed delivery without sending it (its subscription was switched off)."""
    delivery.status = DeliveryStatus.GAVE_UP
    delivery.last_error = reason[:500]
    delivery.next_attempt_at = None
    delivery.claimed_at = None
    delivery.save(update_fields=["status", "last_error", "next_attempt_at", "claimed_at"])
    return delivery


def record_attempt(delivery: WebhookDelivery, outcome: Outcome, *, url: str) -> WebhookDelivery:
    """Store what a claimed delivery's attempt got. Success: delivered, and the
    subscription's failure count back to 0. Failure: a retry after RETRY_DELAYS, or gave_up
    after MAX_ATTEMPTS; the subscription is switched off once
    SAPA_WEBHOOK_DISABLE_AFTER_FAILURES attempts in a row have failed."""
    now = clock.now()
    with transaction.atomic():
        delivery.url = url
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error[:500]
        delivery.response_excerpt = outcome.response_excerpt
        delivery.duration_ms = outcome.duration_ms
        delivery.claimed_at = None
        if outcome.ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        elif delivery.attempts < MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = now + RETRY_DELAYS[max(delivery.attempts, 1) - 1]
        else:
            delivery.status = DeliveryStatus.GAVE_UP
            delivery.next_attempt_at = None
        delivery.save(
            update_fields=[
                "url",
                "status",
                "last_status_code",
                "last_error",
                "response_excerpt",
                "duration_ms",
                "claimed_at",
                "delivered_at",
                "next_attempt_at",
            ]
        )
        if delivery.subscription_id is not None:
            _count_outcome(delivery.subscription_id, ok=outcome.ok)
    return delivery


def _count_outcome(subscription_id: int, *, ok: bool) -> None:
    if ok:
        WebhookSubscription.objects.filter(pk=subscription_id, consecutive_failures__gt=0).update(
            consecutive_failures=0
        )
        return
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription_id)
    subscription.consecutive_failures += 1
    subscription.save(update_fields=["consecutive_failures"])
    limit = int(settings.SAPA_WEBHOOK_DISABLE_AFTER_FAILURES)
    if subscription.is_active and subscription.consecutive_failures >= limit:
        reason = _("Switched off after %(count)d failed deliveries in a row.") % {
            "count": subscription.consecutive_failures
        }
        _switch_off(subscription, reason=reason, actor=Actor.system("webhooks"))


def release_stalled_deliveries(*, older_than: timedelta) -> int:
    """Deliveries whose worker died mid-send are due again (at-least-once delivery)."""
    cutoff = clock.now() - older_than
    return WebhookDelivery.objects.filter(
        status=DeliveryStatus.DELIVERING, claimed_at__lt=cutoff
    ).update(status=DeliveryStatus.FAILED, claimed_at=None, next_attempt_at=clock.now())

"""Background work for webhooks: sending one delivery, and a sweep each minute that sends
due retries and frees deliveries whose worker died mid-send."""

import time
from datetime import timedelta

from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sapa.core import clock
from sapa.webhooks import payloads, signing, transport
from sapa.webhooks.actions import (
    DUE_STATUSES,
    claim_delivery,
    give_up,
    record_attempt,
    release_stalled_deliveries,
)
from sapa.webhooks.models import DeliveryStatus, WebhookDelivery

STALLED_AFTER = timedelta(minutes=10)
# Retries due for longer than this lost their scheduled task (queue restarted): the sweep
# enqueues them again. A due retry is normally sent by its own scheduled task.
SWEEP_GRACE = timedelta(minutes=1)
SWEEP_BATCH = 500


def send(delivery_id: int) -> WebhookDelivery | None:
    """Claim the delivery, POST it signed, record the outcome. None when it was not due or
    another worker had it."""
    delivery = claim_delivery(delivery_id)
    if delivery is None:
        return None
    subscription = delivery.subscription
    if subscription is not None:
        if not subscription.is_active and delivery.event != payloads.TEST_EVENT:
            return give_up(delivery, reason=_("The webhook is switched off."))
        url, secret = subscription.url, subscription.secret
    else:
        url, secret = delivery.url, delivery.secret
    body = signing.body_bytes(
        payloads.envelope(
            delivery_id=delivery.pk,
            event=delivery.event,
            occurred_at=delivery.occurred_at,
            data=delivery.payload,
        )
    )
    headers = signing.signed_headers(
        secret=secret,
        body=body,
        event=delivery.event,
        delivery_id=delivery.pk,
        timestamp=int(time.time()),
    )
    outcome = transport.post(url, body=body, headers=headers)
    return record_attempt(delivery, outcome, url=url)


@db_task()
def deliver(delivery_id: int) -> None:
    delivery = send(delivery_id)
    if delivery is not None and delivery.status == DeliveryStatus.FAILED:
        deliver.schedule((delivery.pk,), eta=delivery.next_attempt_at)


@db_periodic_task(crontab(minute="*"))
def sweep_deliveries() -> None:
    release_stalled_deliveries(older_than=STALLED_AFTER)
    due = WebhookDelivery.objects.filter(
        status__in=DUE_STATUSES, next_attempt_at__lte=clock.now() - SWEEP_GRACE
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    for delivery_id in due:
        deliver(delivery_id)

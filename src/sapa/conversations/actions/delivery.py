"""Recording what happened when the worker handed an outbound message to its channel."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sapa.channels.messages import DeliveryResult
from sapa.conversations.models import DeliveryStatus, Message, OutboxItem, OutboxStatus
from sapa.conversations.realtime import announce_ticket_change
from sapa.core.actions import pending_event, record_events
from sapa.core.actors import Actor

MAX_BACKOFF_SECONDS = 3600


def claim_outbox_item(item_id: int) -> OutboxItem | None:
    """Mark a due item as being sent by this worker; None when it is not due or another
    worker has it. The conditional UPDATE is the claim: two workers never both win."""
    now = timezone.now()
    claimed = OutboxItem.objects.filter(
        pk=item_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now
    ).update(status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return OutboxItem.objects.select_related("message__ticket").get(pk=item_id)


def backoff(attempts: int) -> timedelta:
    base = settings.SAPA_DELIVERY_BACKOFF_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def record_delivery_result(item: OutboxItem, result: DeliveryResult) -> OutboxItem:
    """Store the outcome of one delivery attempt on the item and its message.

    Success marks the message sent (with the provider's id); a temporary failure puts the
    item back with exponential backoff until SAPA_DELIVERY_MAX_ATTEMPTS; anything else
    fails the message with the provider's error.
    """
    actor = Actor.system("delivery")
    now = timezone.now()
    with transaction.atomic():
        item = OutboxItem.objects.select_for_update().get(pk=item.pk)
        message = Message.objects.select_for_update().get(pk=item.message_id)
        item.last_error = result.error[:2000]
        if result.ok:
            item.status = OutboxStatus.DONE
            message.delivery_status = DeliveryStatus.SENT
            message.external_id = result.external_id or None
            message.sent_at = now
            message.delivery_error = ""
            verb = "message.sent"
        elif result.temporary and item.attempts < settings.SAPA_DELIVERY_MAX_ATTEMPTS:
            item.status = OutboxStatus.PENDING
            item.next_attempt_at = now + backoff(item.attempts)
            message.delivery_error = item.last_error
            verb = ""
        else:
            item.status = OutboxStatus.FAILED
            message.delivery_status = DeliveryStatus.FAILED
            message.delivery_error = item.last_error
            verb = "message.delivery_failed"
        item.claimed_at = None
        item.save(
            update_fields=["status", "next_attempt_at", "claimed_at", "last_error", "updated_at"]
        )
        message.save(update_fields=["delivery_status", "external_id", "sent_at", "delivery_error"])
        if verb:
            record_events(
                actor,
                [
                    pending_event(
                        verb,
                        message,
                        after={"attempts": item.attempts, "error": item.last_error},
                    )
                ],
            )
    return item


def release_stalled_items(*, older_than: timedelta) -> int:
    """Put items whose worker died mid-send back in the queue (at-least-once delivery)."""
    cutoff = timezone.now() - older_than
    return OutboxItem.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=cutoff).update(
        status=OutboxStatus.PENDING, claimed_at=None
    )


def record_bounce(message: Message, *, reason: str) -> None:
    """A message reported sent came back undeliverable (an email bounce): mark it failed with
    the receiving server's reason, so the console shows it on the message."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        before = message.delivery_status
        message.delivery_status = DeliveryStatus.FAILED
        message.delivery_error = reason[:2000]
        message.save(update_fields=["delivery_status", "delivery_error"])
        record_events(
            Actor.system("delivery"),
            [
                pending_event(
                    "message.bounced",
                    message,
                    before={"delivery_status": before},
                    after={"delivery_status": DeliveryStatus.FAILED, "error": reason[:2000]},
                )
            ],
        )
        ticket = message.ticket
        announce_ticket_change(
            ticket_id=ticket.pk,
            team_id=ticket.team_id,
            assignee_id=ticket.assignee_id,
            kind="message",
        )

"""Recording what happened when the worker handed an outbound message to its channel."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sapa.channels.messages import DeliveryResult
from sapa.conversations.models import (
    DeliveryStatus,
    Direction,
    Message,
    OutboxItem,
    OutboxStatus,
)
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


# Provider statuses in the only order they may move (see record_provider_status).
PROVIDER_STATUS_ORDER = ("sent", "failed", "delivered", "read")
_PROVIDER_DELIVERY_STATUS = {
    "sent": DeliveryStatus.SENT,
    "failed": DeliveryStatus.FAILED,
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.DELIVERED,
}


def record_provider_status(
    channel: str, external_id: str, *, status: str, at: datetime, error: str = ""
) -> Message | None:
    """The provider reports what became of an outbound message it took (WhatsApp: sent,
    delivered, read or failed, with `error` in words for a failure).

    Statuses only move forward, in the order sent < failed < delivered < read, whatever
    order they arrive in: the final state is the furthest one reported, so late, repeated
    or reordered reports change nothing. A failure overrides "sent" but never "delivered"
    or "read" (the customer's phone had the message). "read" is kept as delivered in
    `delivery_status`, with meta["provider_status"] saying read and when each step was
    reported. Returns the message, or None when no outbound message on `channel` has this
    id (not sent by Sapa, or its send is not recorded yet). Raises ValueError for a status
    outside PROVIDER_STATUS_ORDER.
    """
    if status not in PROVIDER_STATUS_ORDER:
        raise ValueError(f"unknown provider status {status!r}")
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .select_related("ticket")
            .filter(channel=channel, external_id=external_id, direction=Direction.OUTBOUND)
            .first()
        )
        if message is None:
            return None
        meta = dict(message.meta) if isinstance(message.meta, dict) else {}
        provider = dict(meta.get("provider_status") or {})
        provider.setdefault(f"{status}_at", at.isoformat())
        current = provider.get("status")
        rank = PROVIDER_STATUS_ORDER.index
        if current in PROVIDER_STATUS_ORDER and rank(status) <= rank(current):
            if provider != meta.get("provider_status"):
                meta["provider_status"] = provider
                message.meta = meta
                message.save(update_fields=["meta"])
            return message
        before = message.delivery_status
        provider["status"] = status
        meta["provider_status"] = provider
        message.meta = meta
        message.delivery_status = _PROVIDER_DELIVERY_STATUS[status]
        if status == "failed":
            message.delivery_error = (error or message.delivery_error)[:2000]
        elif status in ("delivered", "read"):
            message.delivery_error = ""
        message.save(update_fields=["meta", "delivery_status", "delivery_error"])
        if status != "sent":
            verb = "message.delivery_failed" if status == "failed" else f"message.{status}"
            record_events(
                Actor.system("delivery"),
                [
                    pending_event(
                        verb,
                        message,
                        before={"delivery_status": before},
                        after={
                            "delivery_status": message.delivery_status,
                            "provider_status": status,
                            "error": message.delivery_error if status == "failed" else "",
                        },
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
    return message

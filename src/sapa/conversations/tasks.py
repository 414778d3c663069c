"""Background work for conversations: delivering outbound messages."""

import logging
from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sapa.channels.messages import DeliveryResult, OutboundAttachment, OutboundMessage
from sapa.channels.registry import get_adapter
from sapa.conversations.actions.delivery import (
    claim_outbox_item,
    record_delivery_result,
    release_stalled_items,
)
from sapa.conversations.models import OutboxItem, OutboxStatus

logger = logging.getLogger(__name__)

STALLED_AFTER = timedelta(minutes=10)
# Items due for longer than this without a worker picking them up lost their task (queue
# restarted, enqueue failed after commit): the sweep enqueues them again.
SWEEP_GRACE = timedelta(minutes=1)


@db_task()
def deliver_outbox_item(item_id: int) -> None:
    item = claim_outbox_item(item_id)
    if item is None:
        return
    message = item.message
    outbound = OutboundMessage(
        message_id=message.pk,
        channel=item.channel,
        to_address=message.to_address,
        text=message.text,
        html=message.html,
        subject=message.ticket.subject,
        ticket_number=message.ticket.number,
        attachments=tuple(
            OutboundAttachment(
                filename=a.filename, content_type=a.content_type, path=a.file.name or ""
            )
            for a in message.attachments.all()
        ),
    )
    try:
        result = get_adapter(item.channel).deliver(outbound)
    except Exception as error:
        # An adapter bug or an unreachable provider must not lose the message: retry later.
        logger.exception("delivery of message %s raised", message.pk)
        result = DeliveryResult(ok=False, error=f"{type(error).__name__}: {error}", temporary=True)
    item = record_delivery_result(item, result)
    if item.status == OutboxStatus.PENDING:
        deliver_outbox_item.schedule((item.pk,), eta=item.next_attempt_at)


@db_periodic_task(crontab(minute="*"))
def sweep_outbox() -> None:
    release_stalled_items(older_than=STALLED_AFTER)
    due = OutboxItem.objects.filter(
        status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now() - SWEEP_GRACE
    ).values_list("pk", flat=True)[:500]
    for item_id in due:
        deliver_outbox_item(item_id)

"""Background work for Telegram: taking in kept updates, retrying those that wait."""

import logging
from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sapa.channels.telegram import actions
from sapa.channels.telegram.models import TelegramUpdate, UpdateStatus
from sapa.core import clock

logger = logging.getLogger(__name__)

RETRY_DELAY_SECONDS = 30
# Updates still waiting this long lost their task (queue restarted): the sweep requeues them.
SWEEP_GRACE = timedelta(minutes=2)


@db_task()
def process_update_task(update_pk: int) -> None:
    try:
        update = actions.process_update(update_pk)
    except Exception as error:
        logger.exception("telegram update %s could not be taken in", update_pk)
        row = TelegramUpdate.objects.filter(pk=update_pk).values_list("attempts", flat=True)
        if (row.first() or 0) >= actions.MAX_ATTEMPTS:
            actions.give_up(update_pk, reason=f"{type(error).__name__}: {error}")
        return
    if update is not None and update.status == UpdateStatus.RECEIVED:
        process_update_task.schedule((update_pk,), delay=RETRY_DELAY_SECONDS * update.attempts)


@db_periodic_task(crontab(minute="*"))
def sweep_updates() -> None:
    waiting = TelegramUpdate.objects.filter(
        status=UpdateStatus.RECEIVED, received_at__lte=clock.now() - SWEEP_GRACE
    ).values_list("pk", flat=True)[:200]
    for update_pk in waiting:
        process_update_task(update_pk)

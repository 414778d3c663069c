"""Background work for the email channel: polling the mailboxes no watcher holds."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sapa.channels.email.imap import due_mailboxes, poll_mailbox
from sapa.channels.email.models import Mailbox

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def poll_due_mailboxes() -> None:
    """Every minute, the polling fallback: watchers (`sapa worker`) hold the mailboxes they
    keep open with IDLE, so this reaches only the others."""
    for mailbox in due_mailboxes():
        poll_mailbox_task(mailbox.pk)


@db_task()
def poll_mailbox_task(mailbox_id: int) -> None:
    mailbox = Mailbox.objects.filter(pk=mailbox_id, is_active=True).first()
    if mailbox is None or not mailbox.imap_url:
        return
    try:
        result = poll_mailbox(mailbox)
    except Exception:
        # Recorded on the mailbox (shown in the console); the next minute tries again.
        logger.exception("polling %s failed", mailbox)
        return
    if result.fetched:
        logger.info("mailbox %s: %s", mailbox, result.outcomes)

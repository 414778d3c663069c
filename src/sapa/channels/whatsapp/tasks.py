"""Background work for WhatsApp: processing kept webhook deliveries, the bot's turn after a
customer's message, and the hourly template catalogue refresh."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sapa.channels.kinds import Channel
from sapa.channels.whatsapp.actions import process_delivery
from sapa.channels.whatsapp.exceptions import TemplateSyncFailed
from sapa.channels.whatsapp.message_templates import sync_templates
from sapa.channels.whatsapp.models import WhatsAppAccount
from sapa.core.actors import Actor

logger = logging.getLogger(__name__)


@db_task()
def process_delivery_task(delivery_id: int) -> None:
    processed = process_delivery(delivery_id)
    if processed is not None and processed.retry_in_seconds is not None:
        process_delivery_task.schedule((delivery_id,), delay=processed.retry_in_seconds)


@db_task()
def bot_turn(message_id: int, choice: str | None) -> None:
    """The bot answers a stored customer message, when it is on for WhatsApp. A failing
    turn is logged; the customer's message is kept whatever happens here."""
    from sapa.bot import engine

    if not engine.enabled_on(Channel.WHATSAPP):
        return
    try:
        engine.respond(message_id, choice=choice)
    except Exception:
        logger.exception("bot turn on whatsapp message %s failed", message_id)


@db_periodic_task(crontab(minute="17"))
def sync_all_templates() -> None:
    """Hourly: every active account's templates, as Meta lists them now."""
    for account in WhatsAppAccount.objects.filter(is_active=True).order_by("pk"):
        try:
            sync_templates(account, actor=Actor.system("whatsapp-templates"))
        except TemplateSyncFailed:
            logger.warning("template sync of %s failed", account, exc_info=True)

"""Messages Sapa sends on its own (acknowledgements now; automations and the bot later),
with the guards that keep two machines from answering each other forever."""

import logging
from datetime import timedelta

from django.conf import settings

from sapa.conversations.actions.replies import reply
from sapa.conversations.models import AuthorKind, Direction, Message, Ticket
from sapa.conversations.reply_routing import address_for
from sapa.core import clock
from sapa.core.actions import pending_event, record_events
from sapa.core.actors import Actor
from sapa.core.exceptions import SapaError
from sapa.customers.models import Identity

logger = logging.getLogger(__name__)


def send_automatic(
    ticket: Ticket, *, text: str, trigger: Message, reason: str, html: str = ""
) -> Message | None:
    """Answer `trigger` automatically on its channel, unless that would be unwise.

    Never answers a machine-written message (an out-of-office, a bounce, a newsletter), an
    address that bounces, or an address that already got SAPA_AUTOMATIC_PER_ADDRESS_PER_HOUR
    automatic messages in the last hour. A skipped answer is recorded as an event with why.
    Returns the queued message, or None when it was skipped.
    """
    actor = Actor.system(reason)
    address = address_for(ticket, trigger.channel)
    skipped = _why_not(trigger, address)
    if skipped:
        record_events(
            actor,
            [pending_event("automatic.skipped", ticket, after={"why": skipped, "to": address})],
        )
        return None
    try:
        return reply(ticket, text=text, html=html, actor=actor, channel=trigger.channel)
    except SapaError as error:
        logger.info("automatic %s on ticket %s not sent: %s", reason, ticket.pk, error)
        return None


def _why_not(trigger: Message, address: str | None) -> str:
    if trigger.auto_reply:
        return f"the message is automatic ({trigger.auto_reply})"
    if address is None:
        return "no address to answer on this channel"
    if Identity.objects.filter(value=address, bouncing_since__isnull=False).exists():
        return "the address bounces"
    limit = settings.SAPA_AUTOMATIC_PER_ADDRESS_PER_HOUR
    recent = Message.objects.filter(
        direction=Direction.OUTBOUND,
        author_kind__in=(AuthorKind.SYSTEM, AuthorKind.BOT),
        to_address=address,
        created_at__gte=clock.now() - timedelta(hours=1),
    ).count()
    if recent >= limit:
        return f"{address} already got {recent} automatic messages this hour"
    return ""

"""Where a reply to a ticket can go: the customer's channels that carry replies, with the
address on each, and which one is the default (the channel the customer last used)."""

from dataclasses import dataclass

from sapa.channels.kinds import REPLY_ADDRESS_KINDS
from sapa.channels.registry import capabilities
from sapa.conversations.models import Direction, Message, Ticket
from sapa.customers.models import Identity


@dataclass(frozen=True)
class ReplyOption:
    channel: str
    address: str


def reply_options(ticket: Ticket) -> list[ReplyOption]:
    """Every channel a reply can go out on, the default first. Two queries."""
    newest: dict[str, str] = {}
    for kind, value in (
        Identity.objects.filter(customer_id=ticket.customer_id)
        .order_by("-created_at", "-id")
        .values_list("kind", "value")
    ):
        newest.setdefault(kind, value)
    options: dict[str, ReplyOption] = {}
    for channel, kinds in REPLY_ADDRESS_KINDS.items():
        address = next((newest[kind] for kind in kinds if kind in newest), None)
        if address is not None and capabilities(channel).can_send:
            options[channel] = ReplyOption(channel, address)
    recent = (
        Message.objects.filter(ticket=ticket, direction=Direction.INBOUND)
        .order_by("-created_at", "-id")
        .values_list("channel", flat=True)[:20]
    )
    preferred = [c for c in dict.fromkeys([*recent, ticket.origin_channel]) if c in options]
    rest = [c for c in options if c not in preferred]
    return [options[c] for c in [*preferred, *rest]]


def address_for(ticket: Ticket, channel: str) -> str | None:
    return next((o.address for o in reply_options(ticket) if o.channel == channel), None)

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


def _options(customer_id: int) -> dict[str, ReplyOption]:
    newest: dict[str, str] = {}
    for kind, value in (
        Identity.objects.filter(customer_id=customer_id)
        .order_by("-created_at", "-id")
        .values_list("kind", "value")
    ):
        newest.setdefault(kind, value)
    options: dict[str, ReplyOption] = {}
    for channel, kinds in REPLY_ADDRESS_KINDS.items():
        address = next((newest[kind] for kind in kinds if kind in newest), None)
        if address is not None and capabilities(channel).can_send:
            options[channel] = ReplyOption(channel, address)
    return options


def _ordered(options: dict[str, ReplyOption], preferred: list[str]) -> list[ReplyOption]:
    first = [c for c in dict.fromkeys(preferred) if c in options]
    rest = [c for c in options if c not in first]
    return [options[c] for c in [*first, *rest]]


def reply_options(ticket: Ticket) -> list[ReplyOption]:
    """Every channel a reply can go out on, the default first. Two queries."""
    recent = (
        Message.objects.filter(ticket=ticket, direction=Direction.INBOUND)
        .order_by("-created_at", "-id")
        .values_list("channel", flat=True)[:20]
    )
    return _ordered(_options(ticket.customer_id), [*recent, ticket.origin_channel])


def customer_reply_options(customer_id: int) -> list[ReplyOption]:
    """Every channel a message to the customer can go out on, outside any ticket: the
    channel they wrote on last first. Two queries."""
    recent = (
        Message.objects.filter(ticket__customer_id=customer_id, direction=Direction.INBOUND)
        .order_by("-created_at", "-id")
        .values_list("channel", flat=True)[:20]
    )
    return _ordered(_options(customer_id), list(recent))


def address_for(ticket: Ticket, channel: str) -> str | None:
    return next((o.address for o in reply_options(ticket) if o.channel == channel), None)

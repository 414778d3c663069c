"""Building conversations the way production does: through receive_inbound."""

import itertools
from typing import Any

from sapa.channels.kinds import Channel, IdentityKind
from sapa.channels.messages import InboundMessage, InboundResult
from sapa.conversations.actions import receive_inbound
from sapa.customers.addresses import normalise_address

_ids = itertools.count(1)


def inbound(
    text: str = "min, pesanan sy blm sampe, gmn ya?",
    *,
    channel: str = Channel.EMAIL,
    email: str | None = "budi@example.com",
    phone: str | None = None,
    name: str = "Budi Santoso",
    **fields: Any,
) -> InboundResult:
    addresses = []
    if email:
        addresses.append(normalise_address(IdentityKind.EMAIL, email))
    if phone:
        kind = IdentityKind.WHATSAPP if channel == Channel.WHATSAPP else IdentityKind.PHONE
        addresses.append(normalise_address(kind, phone))
    fields.setdefault("external_id", f"test-{next(_ids)}")
    return receive_inbound(
        InboundMessage(
            channel=channel, addresses=tuple(addresses), text=text, sender_name=name, **fields
        )
    )

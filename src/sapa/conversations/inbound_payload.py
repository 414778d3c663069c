"""Translating the generic inbound payload (POST /api/v1/inbound) into an InboundMessage.

This is the API's channel adapter: it checks and normalises the sender's addresses (the
address the channel itself uses first) and decodes attachments; everything else happens on
the common road in `receive_inbound`.
"""

from django.utils.translation import gettext as _

from sapa.channels.kinds import HANDLE_KIND, Channel, IdentityKind
from sapa.channels.messages import Address, InboundAttachment, InboundMessage
from sapa.conversations.schemas import InboundIn
from sapa.core.exceptions import InvalidInput
from sapa.customers.addresses import InvalidAddress, normalise_address


def _address(kind: IdentityKind, raw: str, field: str) -> Address:
    try:
        return normalise_address(kind, raw)
    except InvalidAddress as error:
        raise InvalidInput(error.message, loc=["body", "from", field]) from error


def sender_addresses(
    channel: Channel, *, email: str | None, phone: str | None, handle: str | None
) -> tuple[Address, ...]:
    """The sender's normalised addresses, the channel's own kind first. Raises InvalidInput."""
    addresses: list[Address] = []
    if handle and handle.strip():
        addresses.append(_address(HANDLE_KIND[channel], handle, "handle"))
    if email and email.strip():
        addresses.append(_address(IdentityKind.EMAIL, email, "email"))
    if phone and phone.strip():
        kind = IdentityKind.WHATSAPP if channel == Channel.WHATSAPP else IdentityKind.PHONE
        addresses.append(_address(kind, phone, "phone"))
    if not addresses:
        raise InvalidInput(
            _("Give at least one of the sender's email, phone or handle."), loc=["body", "from"]
        )
    own_kind = HANDLE_KIND[channel]
    addresses.sort(key=lambda address: address.kind != own_kind)
    return tuple(dict.fromkeys(addresses))


def inbound_message(payload: InboundIn) -> InboundMessage:
    if not payload.text.strip() and not payload.html.strip() and not payload.attachments:
        raise InvalidInput(_("A message needs text, HTML or an attachment."), loc=["body", "text"])
    sender = payload.sender
    return InboundMessage(
        channel=payload.channel,
        external_id=payload.external_id,
        addresses=sender_addresses(
            payload.channel, email=sender.email, phone=sender.phone, handle=sender.handle
        ),
        sender_name=sender.name.strip(),
        subject=payload.subject,
        text=payload.text,
        html=payload.html,
        ticket_id=payload.ticket_id,
        in_reply_to=payload.in_reply_to,
        sent_at=payload.sent_at,
        attachments=tuple(
            InboundAttachment(
                filename=attachment.name,
                content_type=attachment.content_type,
                content=attachment.decoded(),
            )
            for attachment in payload.attachments
        ),
    )

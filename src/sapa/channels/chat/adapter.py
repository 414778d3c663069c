"""Delivering to the chat widget: a reply is shown by the visitor's open widget as soon as it
is stored (the widget's connection is told of every change of its ticket), so a reply is
sent when written (`delivered_on_store`); `deliver` only confirms, for an outbox item made
before that (or by a caller that insists). A visitor who is away reads it on return."""

from sapa.channels.base import Capabilities
from sapa.channels.messages import DeliveryResult, OutboundMessage


class ChatAdapter:
    capabilities = Capabilities(supports_attachments=True, delivered_on_store=True)

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        return DeliveryResult(ok=True, external_id=f"chat:{message.message_id}")

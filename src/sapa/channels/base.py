"""What every channel adapter provides."""

from dataclasses import dataclass
from typing import Protocol

from sapa.channels.messages import DeliveryResult, OutboundMessage


@dataclass(frozen=True)
class Capabilities:
    can_send: bool = True
    supports_html: bool = False
    supports_attachments: bool = False
    # Seconds after the customer's last message during which free-form replies are allowed
    # (WhatsApp: 24 h); None when the channel has no such window.
    reply_window_seconds: int | None = None
    # The message reaches the customer by being stored (the chat widget reads it from
    # Sapa): no outbox item, no delivery task; it is sent when written.
    delivered_on_store: bool = False


class ChannelAdapter(Protocol):
    capabilities: Capabilities

    def deliver(self, message: OutboundMessage) -> DeliveryResult: ...

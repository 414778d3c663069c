from sapa.channels.base import Capabilities
from sapa.channels.messages import DeliveryResult, OutboundMessage


class LogAdapter:
    """Stands in for a real provider: the 'sent' message is a LoggedDelivery row."""

    def __init__(self, capabilities: Capabilities) -> None:
        self.capabilities = capabilities

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        from sapa.channels.models import LoggedDelivery

        logged = LoggedDelivery.objects.create(
            message_id=message.message_id,
            channel=message.channel,
            to_address=message.to_address,
            subject=message.subject,
            text=message.text,
        )
        return DeliveryResult(ok=True, external_id=f"log-{logged.pk}")

"""The phone carries no written replies: a call is logged, and answers go out on another
of the customer's channels. The adapter only declares that."""

from django.utils.translation import gettext as _

from sapa.channels.base import Capabilities
from sapa.channels.messages import DeliveryResult, OutboundMessage


class VoiceAdapter:
    capabilities = Capabilities(can_send=False)

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        return DeliveryResult(ok=False, error=str(_("A phone call cannot carry a written reply.")))

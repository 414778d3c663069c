"""Which adapter serves which channel. Channel issues register real adapters here; until then
every channel that can send is served by the log adapter."""

from sapa.channels.base import Capabilities, ChannelAdapter
from sapa.channels.kinds import Channel
from sapa.channels.log.adapter import LogAdapter

# Channels that cannot carry a written reply: a phone call or a shop visit is logged, not
# answered in place; replies go to another of the customer's channels.
_NO_SEND = Capabilities(can_send=False)

_ADAPTERS: dict[str, ChannelAdapter] = {
    Channel.EMAIL: LogAdapter(Capabilities(supports_html=True, supports_attachments=True)),
    Channel.WEB: LogAdapter(Capabilities(supports_html=True, supports_attachments=True)),
    Channel.CHAT: LogAdapter(Capabilities(supports_attachments=True)),
    Channel.WHATSAPP: LogAdapter(
        Capabilities(supports_attachments=True, reply_window_seconds=24 * 3600)
    ),
    Channel.TELEGRAM: LogAdapter(Capabilities(supports_attachments=True)),
    Channel.SOCIAL: LogAdapter(Capabilities()),
    Channel.API: LogAdapter(Capabilities()),
    Channel.PHONE: LogAdapter(_NO_SEND),
    Channel.WALKIN: LogAdapter(_NO_SEND),
}


def get_adapter(channel: str) -> ChannelAdapter:
    return _ADAPTERS[channel]


def capabilities(channel: str) -> Capabilities:
    return _ADAPTERS[channel].capabilities


def register_adapter(channel: str, adapter: ChannelAdapter) -> None:
    """Install `adapter` for `channel` (at app start-up, or in a test)."""
    _ADAPTERS[channel] = adapter

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatChannelConfig(AppConfig):
    name = "sapa.channels.chat"
    label = "sapa_chat"
    verbose_name = _("Web chat")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sapa.channels.chat.adapter import ChatAdapter
        from sapa.channels.kinds import Channel
        from sapa.channels.registry import register_adapter

        register_adapter(Channel.CHAT, ChatAdapter())

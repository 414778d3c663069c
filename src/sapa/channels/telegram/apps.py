from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelegramChannelConfig(AppConfig):
    name = "sapa.channels.telegram"
    label = "sapa_telegram"
    verbose_name = _("Telegram")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sapa.channels.kinds import Channel
        from sapa.channels.registry import register_adapter
        from sapa.channels.telegram.adapter import TelegramAdapter

        register_adapter(Channel.TELEGRAM, TelegramAdapter())

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhatsAppChannelConfig(AppConfig):
    name = "sapa.channels.whatsapp"
    label = "sapa_whatsapp"
    verbose_name = _("WhatsApp")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sapa.channels.kinds import Channel
        from sapa.channels.registry import register_adapter
        from sapa.channels.whatsapp.delivery import WhatsAppAdapter

        register_adapter(Channel.WHATSAPP, WhatsAppAdapter())

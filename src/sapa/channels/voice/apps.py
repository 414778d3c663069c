from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceChannelConfig(AppConfig):
    name = "sapa.channels.voice"
    label = "sapa_voice"
    verbose_name = _("Phone")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sapa.channels.kinds import Channel
        from sapa.channels.registry import register_adapter
        from sapa.channels.voice.adapter import VoiceAdapter

        register_adapter(Channel.PHONE, VoiceAdapter())

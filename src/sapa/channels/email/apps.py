from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "sapa.channels.email"
    label = "sapa_email"
    verbose_name = "Sapa email channel"

    def ready(self) -> None:
        from sapa.channels.email.delivery import EmailAdapter
        from sapa.channels.kinds import Channel
        from sapa.channels.registry import register_adapter

        register_adapter(Channel.EMAIL, EmailAdapter())

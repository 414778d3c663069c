from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "sapa.channels"
    # "channels" is Django Channels' label.
    label = "sapa_channels"
    verbose_name = "Sapa channels"

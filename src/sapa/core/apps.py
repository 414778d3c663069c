from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sapa.core"
    label = "core"
    verbose_name = "Sapa core"

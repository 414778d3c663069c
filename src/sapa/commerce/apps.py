from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "sapa.commerce"
    label = "commerce"
    verbose_name = "Commerce"

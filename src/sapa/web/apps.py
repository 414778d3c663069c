from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sapa.web"
    label = "web"
    verbose_name = "Web"

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sapa.demo"
    label = "demo"
    verbose_name = "Demo data"

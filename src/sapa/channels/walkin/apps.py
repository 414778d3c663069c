from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalkinChannelConfig(AppConfig):
    name = "sapa.channels.walkin"
    label = "sapa_walkin"
    verbose_name = _("Walk-in")
    default_auto_field = "django.db.models.BigAutoField"

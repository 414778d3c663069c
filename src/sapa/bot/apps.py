from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BotConfig(AppConfig):
    name = "sapa.bot"
    label = "bot"
    verbose_name = _("Bot")
    default_auto_field = "django.db.models.BigAutoField"

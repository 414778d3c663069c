from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import SapaError


class TelegramRefused(SapaError):
    """The Bot API did not do what was asked (setWebhook); the message says why."""

    code = "telegram_refused"
    status = 502
    default_message = _("Telegram did not accept the request.")

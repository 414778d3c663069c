from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import SapaError


class UnknownWidget(SapaError):
    code = "unknown_widget"
    status = 404
    default_message = _("This chat is not available.")


class OriginNotAllowed(SapaError):
    code = "origin_not_allowed"
    status = 403
    default_message = _("This site may not embed this chat.")


class UnknownVisitor(SapaError):
    code = "unknown_visitor"
    status = 401
    default_message = _("Your chat session has expired. Please reload the page.")


class ChatRateLimited(SapaError):
    code = "rate_limited"
    status = 429
    default_message = _("You are sending messages too quickly. Please wait a moment.")

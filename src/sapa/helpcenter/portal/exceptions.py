"""What can go wrong in the portal, in words a customer understands."""

from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import SapaError


class TooManyAttempts(SapaError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many attempts. Please wait a while and try again.")


class InvalidSignInLink(SapaError):
    code = "invalid_link"
    status = 400
    default_message = _(
        "This sign-in link has expired or was already used. Ask for a new one below."
    )

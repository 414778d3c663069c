"""Domain errors. Each carries a code, an HTTP status and a translatable sentence; the API
turns them into JSON in one place (sapa.api.errors)."""

from collections.abc import Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class SapaError(Exception):
    code = "error"
    status = 400
    default_message: str | Promise = _("The request could not be completed.")

    def __init__(self, message: str | Promise | None = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(str(self.message))


class NotFound(SapaError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class PermissionDenied(SapaError):
    code = "permission_denied"
    status = 403
    default_message = _("Your role does not allow this.")


class Conflict(SapaError):
    code = "conflict"
    status = 409
    default_message = _("This conflicts with the current state.")


class InvalidInput(SapaError):
    """Input that passed the schema but breaks a rule; reported like a 422 validation error,
    naming the field (`loc`)."""

    code = "invalid"
    status = 422
    default_loc: tuple[str | int, ...] = ("body",)

    def __init__(
        self, message: str | Promise | None = None, *, loc: Sequence[str | int] | None = None
    ) -> None:
        super().__init__(message)
        self.loc = list(loc if loc is not None else self.default_loc)

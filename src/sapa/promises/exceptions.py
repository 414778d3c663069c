"""Errors of the promises domain (mapped to HTTP by sapa.api.errors)."""

from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import Conflict, InvalidInput, NotFound


class PromiseNotFound(NotFound):
    code = "promise_not_found"
    default_message = _("No such promise.")


class PromiseNotOpen(Conflict):
    code = "promise_not_open"
    default_message = _("This promise is no longer open.")


class InvalidDue(InvalidInput):
    code = "invalid_due"
    default_loc = ("body", "due")
    default_message = _("Give a time in the future, e.g. “besok 17:00”.")

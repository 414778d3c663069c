"""Errors of the webhooks domain (mapped to HTTP by sapa.api.errors)."""

from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import InvalidInput, NotFound


class WebhookNotFound(NotFound):
    code = "webhook_not_found"
    default_message = _("No such webhook.")


class UrlRefused(InvalidInput):
    """A URL that is not http(s), or that points into a private network."""

    code = "url_refused"
    default_message = _("This URL cannot receive webhooks.")
    default_loc = ("body", "url")


class UnknownEvents(InvalidInput):
    code = "unknown_events"
    default_message = _("Choose events from the list.")
    default_loc = ("body", "events")

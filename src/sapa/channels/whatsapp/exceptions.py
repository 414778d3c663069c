from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import Conflict, InvalidInput, NotFound


class TemplateNotFound(NotFound):
    code = "whatsapp_template_not_found"
    default_message = _("No such WhatsApp template.")


class TemplateNotSendable(InvalidInput):
    code = "whatsapp_template_not_sendable"
    default_loc = ("body", "template")
    default_message = _(
        "Only templates WhatsApp approved, without media headers, can be sent from Sapa."
    )


class TemplateSyncFailed(Conflict):
    code = "whatsapp_template_sync_failed"
    default_message = _("The templates could not be fetched from WhatsApp.")

from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import Conflict, InvalidInput, NotFound


class TicketNotFound(NotFound):
    code = "ticket_not_found"
    default_message = _("No such ticket.")


class TicketClosed(Conflict):
    code = "ticket_closed"
    default_message = _("This ticket is closed.")


class InvalidStatusChange(Conflict):
    code = "invalid_status_change"
    default_message = _("A ticket cannot go back to new.")


class ChannelCannotSend(InvalidInput):
    code = "channel_cannot_send"
    default_loc = ("body", "channel")
    default_message = _("Replies cannot be sent on this channel; choose another.")


class NoAddressForChannel(InvalidInput):
    code = "no_address_for_channel"
    default_loc = ("body", "channel")
    default_message = _("The customer has no address on this channel.")


class OutsideReplyWindow(InvalidInput):
    code = "outside_reply_window"
    default_loc = ("body", "channel")
    default_message = _(
        "The customer last wrote on this channel too long ago for a free-form reply."
    )

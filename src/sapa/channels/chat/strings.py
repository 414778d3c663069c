"""Every word the chat widget shows, in the visitor's language.

The widget (static/chat/widget.js) holds no human-language text of its own: the session
endpoint sends it this dictionary. Placeholders are `{name}` and are filled in by the widget.
"""

from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext


def widget_strings(lang: str) -> dict[str, str]:
    """The widget's strings in `lang` ("id" or "en"), keyed by the names widget.js uses."""
    with override(lang):
        return {
            # The launcher and the header
            "open_chat": _("Open chat"),
            "close_chat": _("Close chat"),
            "unread": _("Unread messages: {count}"),
            "online": pgettext("chat widget", "Online"),
            "offline": pgettext("chat widget", "Offline"),
            "agent_line": _("You are chatting with {name}"),
            "offline_title": _("We are offline right now"),
            "offline_body": _(
                "Leave a message anyway. Our team will reply here, and by email or WhatsApp "
                "if you leave your contact."
            ),
            # The conversation
            "messages": pgettext("chat widget", "Messages"),
            "empty": _("Hello! Write your question below and we will reply right here."),
            "you": _("You"),
            "typing": _("Typing…"),
            "typing_name": _("{name} is typing…"),
            "quick_replies": _("Suggested replies"),
            "sending": _("Sending…"),
            "not_sent": _("Not sent — tap to retry"),
            "read": pgettext("chat widget", "Read"),
            "uploading": _("Uploading…"),
            # The composer
            "message_label": _("Message"),
            "placeholder": _("Type a message…"),
            "send": _("Send"),
            "attach": _("Attach a file"),
            "file_too_large": _("This file is too large. The limit is {size}."),
            "file_type": _("This type of file cannot be sent. You can send: {types}."),
            # Pre-chat form
            "prechat_title": _("Before we start"),
            "prechat_intro": _(
                "Leave your contact so we can reply even after you close this page."
            ),
            "field_name": _("Name"),
            "field_email": _("Email"),
            "field_whatsapp": _("WhatsApp number"),
            "whatsapp_hint": _("For example 0812 3456 7890"),
            "optional": _("(optional)"),
            "prechat_required": _("Please fill in at least one of these."),
            "prechat_start": _("Start chat"),
            "prechat_skip": pgettext("chat widget", "Skip"),
            # End of a conversation
            "ended": _("This conversation has ended."),
            "transcript_offer": _("Send the transcript to my email"),
            "new_conversation": _("Start a new conversation"),
            # Trouble
            "error": _("Something went wrong. Please try again."),
            "network": _("No connection. Check your internet and try again."),
            "reconnecting": _("Connection lost. Reconnecting…"),
            "unavailable": _("The chat is unavailable right now. Please reload the page later."),
        }

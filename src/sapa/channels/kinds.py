"""The channels a message can arrive on, and the customer address each one uses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Web chat")
    WEB = "web", _("Web form")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    PHONE = "phone", _("Phone")
    WALKIN = "walkin", _("Walk-in")
    SOCIAL = "social", _("Social")
    API = "api", _("API")


class IdentityKind(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    CHAT_VISITOR = "chat_visitor", _("Chat visitor")
    SOCIAL = "social", _("Social handle")
    EXTERNAL_ID = "external_id", _("External id")


# Kinds whose value is a phone number in E.164: one number is one person whichever of these
# kinds it was first seen as.
PHONE_KINDS = frozenset({IdentityKind.PHONE, IdentityKind.WHATSAPP})

# The address kind a channel's `handle` names (e.g. a Telegram user id on Telegram).
HANDLE_KIND: dict[str, IdentityKind] = {
    Channel.EMAIL: IdentityKind.EMAIL,
    Channel.WEB: IdentityKind.EMAIL,
    Channel.CHAT: IdentityKind.CHAT_VISITOR,
    Channel.WHATSAPP: IdentityKind.WHATSAPP,
    Channel.TELEGRAM: IdentityKind.TELEGRAM,
    Channel.PHONE: IdentityKind.PHONE,
    Channel.WALKIN: IdentityKind.EXTERNAL_ID,
    Channel.SOCIAL: IdentityKind.SOCIAL,
    Channel.API: IdentityKind.EXTERNAL_ID,
}

# The address kind a reply on the channel is sent to, in order of preference.
REPLY_ADDRESS_KINDS: dict[str, tuple[IdentityKind, ...]] = {
    Channel.EMAIL: (IdentityKind.EMAIL,),
    Channel.WEB: (IdentityKind.EMAIL,),
    Channel.CHAT: (IdentityKind.CHAT_VISITOR,),
    Channel.WHATSAPP: (IdentityKind.WHATSAPP, IdentityKind.PHONE),
    Channel.TELEGRAM: (IdentityKind.TELEGRAM,),
    Channel.PHONE: (IdentityKind.PHONE, IdentityKind.WHATSAPP),
    Channel.WALKIN: (),
    Channel.SOCIAL: (IdentityKind.SOCIAL,),
    Channel.API: (IdentityKind.EXTERNAL_ID,),
}

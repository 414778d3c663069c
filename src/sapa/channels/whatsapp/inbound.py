"""Translating one WhatsApp message into Sapa's InboundMessage (format only; no decisions).

Text, media (with its caption), location, contacts, replies to buttons and lists, reactions
and system notices each become a message text an agent can read; the details stay in
`meta["whatsapp"]`. A type Sapa does not know becomes "[unsupported message type: X]" with
the message object kept in meta, so nothing the customer sent is lost.
"""

import mimetypes
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sapa.channels.kinds import Channel, IdentityKind
from sapa.channels.messages import Address, InboundAttachment, InboundMessage
from sapa.channels.whatsapp.models import WhatsAppAccount
from sapa.channels.whatsapp.parsing import IncomingMessage
from sapa.customers.addresses import InvalidAddress, normalise_phone

MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")
MAX_CHOICE_CHARS = 200
# Why a message is marked machine-made: it must not reopen a ticket, start an automatic
# answer or an SLA clock (a thumbs-up is not a question).
REACTION = "whatsapp reaction"
SYSTEM = "whatsapp system message"


@dataclass(frozen=True)
class MediaReference:
    media_id: str
    filename: str
    content_type: str
    caption: str


def sender_address(wa_id: str) -> Address:
    """The customer's WhatsApp number in E.164 (wa_id is the number without "+"). A number
    the phone-number metadata does not know yet is kept as "+digits" rather than lost.
    Raises InvalidAddress for something that is not a phone number at all."""
    digits = "".join(ch for ch in wa_id if ch.isdigit())
    if not 6 <= len(digits) <= 15 or digits != wa_id.strip().lstrip("+"):
        raise InvalidAddress(str(_("Enter a valid phone number.")))
    try:
        return Address(IdentityKind.WHATSAPP, normalise_phone("+" + digits))
    except InvalidAddress:
        return Address(IdentityKind.WHATSAPP, "+" + digits)


def media_of(message: IncomingMessage) -> MediaReference | None:
    """The media a message carries (image, video, audio, document, sticker), if any."""
    if message.type not in MEDIA_TYPES:
        return None
    media = message.raw.get(message.type)
    if not isinstance(media, dict) or not media.get("id"):
        return None
    content_type = str(media.get("mime_type") or "application/octet-stream")
    content_type = content_type.split(";")[0].strip().lower()
    filename = str(media.get("filename") or "").strip()
    if not filename:
        extension = mimetypes.guess_extension(content_type) or ""
        filename = f"{message.type}-{media['id']}{extension}"
    return MediaReference(
        media_id=str(media["id"]),
        filename=filename[:200],
        content_type=content_type,
        caption=str(media.get("caption") or "").strip(),
    )


def to_inbound(
    message: IncomingMessage,
    *,
    account: WhatsAppAccount,
    address: Address,
    attachments: tuple[InboundAttachment, ...] = (),
    not_kept: tuple[str, ...] = (),
) -> InboundMessage:
    """The InboundMessage for `message`, received on `account`. `attachments` are its
    downloaded media; `not_kept` says (in words) what media could not be kept."""
    details: dict[str, Any] = {
        "account_id": account.pk,
        "phone_number_id": account.phone_number_id,
        "type": message.type,
        "wa_id": message.wa_id,
    }
    meta: dict[str, object] = {"whatsapp": details}
    text, auto_reply = _text_and_details(message, details, meta)
    if not_kept:
        details["not_kept"] = list(not_kept)
        text = "\n".join([text, *not_kept]).strip()
    return InboundMessage(
        channel=Channel.WHATSAPP,
        external_id=message.wamid,
        addresses=(address,),
        text=text,
        sender_name=message.profile_name,
        sent_at=message.timestamp,
        attachments=attachments,
        in_reply_to=message.context_id,
        auto_reply=auto_reply,
        team_id=account.team_id,
        meta=meta,
    )


def _text_and_details(
    message: IncomingMessage, details: dict[str, Any], meta: dict[str, object]
) -> tuple[str, str]:
    """The text an agent reads, and the auto-reply reason ("" for a person's message);
    fills `details` (meta["whatsapp"]) and meta["choice"] along the way."""
    kind, body = message.type, message.raw.get(message.type)
    body = body if isinstance(body, dict) else {}
    if kind == "text":
        return str(body.get("body", "")), ""
    if kind in MEDIA_TYPES:
        return _media_text(message), ""
    if kind == "location":
        return _location(body, details), ""
    if kind == "contacts":
        return _contacts(message.raw.get("contacts"), details), ""
    if kind == "reaction":
        return _reaction(body, details), REACTION
    if kind == "button":
        # A quick-reply button of a template: its payload is the choice.
        details["button"] = {"text": body.get("text", ""), "payload": body.get("payload", "")}
        meta["choice"] = str(body.get("payload") or body.get("text") or "")[:MAX_CHOICE_CHARS]
        return str(body.get("text", "")), ""
    if kind == "interactive":
        reply = _interactive_reply(body)
        if reply is not None:
            details["reply"] = reply
            meta["choice"] = str(reply["id"])[:MAX_CHOICE_CHARS]
            return str(reply["title"]), ""
    if kind == "system":
        details["system"] = body
        return str(body.get("body") or _("[WhatsApp system message]")), SYSTEM
    details["unsupported"] = True
    details["raw"] = message.raw
    return _("[unsupported message type: %(type)s]") % {"type": _unsupported_name(message)}, ""


def _media_text(message: IncomingMessage) -> str:
    media = media_of(message)
    if media is not None and media.caption:
        return media.caption
    labels = {
        "image": _("[image]"),
        "video": _("[video]"),
        "sticker": _("[sticker]"),
        "document": _("[document]"),
    }
    if message.type == "audio":
        voice = message.raw.get("audio", {}).get("voice")
        return str(_("[voice message]") if voice else _("[audio]"))
    if message.type == "document" and media is not None:
        return media.filename
    return str(labels.get(message.type, ""))


def _location(body: dict[str, Any], details: dict[str, Any]) -> str:
    latitude, longitude = body.get("latitude"), body.get("longitude")
    place = {
        key: body[key] for key in ("latitude", "longitude", "name", "address", "url") if key in body
    }
    details["location"] = place
    lines = [str(_("[location]"))]
    lines += [str(body[key]) for key in ("name", "address") if body.get(key)]
    if isinstance(latitude, int | float) and isinstance(longitude, int | float):
        lines.append(f"https://www.google.com/maps/search/?api=1&query={latitude},{longitude}")
    return "\n".join(lines)


def _contacts(contacts: object, details: dict[str, Any]) -> str:
    cards = [c for c in contacts if isinstance(c, dict)] if isinstance(contacts, list) else []
    details["contacts"] = cards
    lines = []
    for card in cards:
        name = _mapping(card.get("name"))
        lines.append(str(_("[contact]")) + " " + str(name.get("formatted_name", "")).strip())
        for phone in card.get("phones") or []:
            if isinstance(phone, dict) and phone.get("phone"):
                lines.append(f"  {phone.get('type', '').title()} {phone['phone']}".rstrip())
        for email in card.get("emails") or []:
            if isinstance(email, dict) and email.get("email"):
                lines.append(f"  {email['email']}")
    return "\n".join(lines) or str(_("[contact]"))


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _reaction(body: dict[str, Any], details: dict[str, Any]) -> str:
    emoji, target = str(body.get("emoji") or ""), str(body.get("message_id") or "")
    details["reaction"] = {"emoji": emoji, "message_id": target}
    if not emoji:
        return _("[reaction removed]")
    return _("[reacted %(emoji)s]") % {"emoji": emoji}


def _interactive_reply(body: dict[str, Any]) -> dict[str, str] | None:
    kind = str(body.get("type", ""))
    reply = body.get(kind)
    if kind not in ("button_reply", "list_reply") or not isinstance(reply, dict):
        return None
    if not reply.get("id"):
        return None
    title = str(reply.get("title") or reply["id"])
    return {
        "kind": kind,
        "id": str(reply["id"]),
        "title": title,
        "description": str(reply.get("description") or ""),
    }


def _unsupported_name(message: IncomingMessage) -> str:
    if message.type == "interactive":
        body = message.raw.get("interactive")
        if isinstance(body, dict) and body.get("type"):
            return f"interactive/{body['type']}"[:60]
    return message.type[:60]

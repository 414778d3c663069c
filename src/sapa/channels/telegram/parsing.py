"""Reading a Telegram Update (the JSON the webhook receives) into plain values.

Format only: which user wrote, in which chat, what they wrote or pressed, which files to
fetch. No database, no network. What cannot be read raises UnreadableUpdate with the reason;
an update Sapa does not take in (a group chat, a kind of update it does not handle) comes
back with `ignore_reason`; a message of a type Sapa cannot show comes back as text saying
so ("[unsupported message type: sticker]") with `unsupported` set.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

# The update kinds the webhook asks Telegram for (setWebhook's allowed_updates).
HANDLED_UPDATES = ("message", "edited_message", "callback_query")
# Message content Sapa keeps as a file: (field, default file name, default content type).
FILE_TYPES = (
    ("document", "document", "application/octet-stream"),
    ("voice", "voice.ogg", "audio/ogg"),
    ("audio", "audio.mp3", "audio/mpeg"),
    ("video", "video.mp4", "video/mp4"),
)
# Content a message can carry that Sapa shows only by name.
OTHER_TYPES = (
    "sticker", "animation", "video_note", "poll", "dice", "game", "story", "invoice",
    "successful_payment", "paid_media", "giveaway", "checklist", "web_app_data",
)  # fmt: skip


class UnreadableUpdate(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FileRef:
    file_id: str
    filename: str
    content_type: str
    size: int | None


@dataclass(frozen=True)
class Sender:
    user_id: int
    name: str
    username: str = ""
    language_code: str = ""


@dataclass(frozen=True)
class ParsedUpdate:
    update_id: int
    kind: str
    sender: Sender | None = None
    chat_id: int | None = None
    message_id: int | None = None
    text: str = ""
    files: tuple[FileRef, ...] = ()
    # The sender's own phone number, as they shared it (a contact of themselves).
    phone: str = ""
    # The pressed button's value (callback_query).
    choice: str | None = None
    callback_query_id: str = ""
    reply_to_message_id: int | None = None
    sent_at: datetime | None = None
    # The message type Sapa cannot show ("sticker"); "" when it can.
    unsupported: str = ""
    # Why nothing is taken in; "" when something is.
    ignore_reason: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def parse_update(data: object) -> ParsedUpdate:
    """The values of one Update. Raises UnreadableUpdate."""
    if not isinstance(data, dict):
        raise UnreadableUpdate("the body is not a JSON object")
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise UnreadableUpdate("no update_id")
    kind = next((k for k in data if k != "update_id"), "")
    if kind in ("message", "edited_message"):
        return _message_update(update_id, kind, data[kind])
    if kind == "callback_query":
        return _callback_update(update_id, data[kind])
    return ParsedUpdate(
        update_id=update_id,
        kind=kind,
        ignore_reason=f"updates of kind {kind or '(none)'} are not taken in",
    )


def _object(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UnreadableUpdate(f"{name} is not an object")
    return value


def _optional_object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise UnreadableUpdate(f"{name} is not a number")
    return value


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _sender(user: object) -> Sender:
    found = _object(user, "from")
    name = " ".join(p for p in (_str(found.get("first_name")), _str(found.get("last_name"))) if p)
    return Sender(
        user_id=_int(found.get("id"), "from.id"),
        name=name.strip()[:200],
        username=_str(found.get("username"))[:64],
        language_code=_str(found.get("language_code"))[:8],
    )


def _sent_at(value: object) -> datetime | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return datetime.fromtimestamp(value, tz=UTC)
    return None


def _telegram_meta(sender: Sender, chat_id: int, message_id: int | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"user_id": sender.user_id, "chat_id": chat_id}
    if message_id is not None:
        meta["message_id"] = message_id
    if sender.username:
        meta["username"] = sender.username
    if sender.language_code:
        meta["language_code"] = sender.language_code
    return meta


def _message_update(update_id: int, kind: str, value: object) -> ParsedUpdate:
    message = _object(value, kind)
    chat = _object(message.get("chat"), f"{kind}.chat")
    chat_id = _int(chat.get("id"), "chat.id")
    message_id = _int(message.get("message_id"), "message_id")
    if chat.get("type") != "private":
        return ParsedUpdate(
            update_id=update_id,
            kind=kind,
            chat_id=chat_id,
            ignore_reason=f"a {chat.get('type') or 'unknown'} chat, not a private one",
        )
    if "from" not in message:
        raise UnreadableUpdate(f"{kind} without from")
    sender = _sender(message["from"])
    reply_to = message.get("reply_to_message")
    reply_to_id = reply_to.get("message_id") if isinstance(reply_to, dict) else None
    content = _content(message, sender)
    return ParsedUpdate(
        update_id=update_id,
        kind=kind,
        sender=sender,
        chat_id=chat_id,
        message_id=message_id,
        sent_at=_sent_at(message.get("date")),
        reply_to_message_id=reply_to_id if isinstance(reply_to_id, int) else None,
        meta={"telegram": _telegram_meta(sender, chat_id, message_id), **content.meta},
        text=content.text,
        files=content.files,
        phone=content.phone,
        unsupported=content.unsupported,
    )


@dataclass
class _Content:
    text: str = ""
    files: tuple[FileRef, ...] = ()
    phone: str = ""
    unsupported: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def _content(message: dict[str, Any], sender: Sender) -> _Content:
    caption = _str(message.get("caption")).strip()
    if isinstance(message.get("text"), str):
        return _Content(text=message["text"].strip())
    if isinstance(message.get("photo"), list) and message["photo"]:
        return _Content(text=caption, files=(_largest_photo(message["photo"]),))
    for field_name, default_name, default_type in FILE_TYPES:
        if isinstance(message.get(field_name), dict):
            found = message[field_name]
            ref = FileRef(
                file_id=_required_file_id(found, field_name),
                filename=(_str(found.get("file_name")) or default_name)[:200],
                content_type=_str(found.get("mime_type")) or default_type,
                size=found.get("file_size") if isinstance(found.get("file_size"), int) else None,
            )
            return _Content(text=caption, files=(ref,))
    if isinstance(message.get("contact"), dict):
        return _contact(message["contact"], sender)
    if isinstance(message.get("location"), dict):
        return _location(message["location"], venue=_optional_object(message.get("venue")))
    kind = next((k for k in OTHER_TYPES if k in message), "") or _other_key(message)
    text = _("[unsupported message type: %(type)s]") % {"type": kind}
    return _Content(
        text=f"{text}\n{caption}" if caption else text,
        unsupported=kind,
        meta={"unsupported": kind},
    )


_BASE_KEYS = {
    "message_id", "message_thread_id", "from", "sender_chat", "date", "chat", "forward_origin",
    "is_topic_message", "is_automatic_forward", "reply_to_message", "external_reply", "quote",
    "reply_to_story", "via_bot", "edit_date", "has_protected_content", "media_group_id",
    "author_signature", "entities", "caption", "caption_entities", "link_preview_options",
    "reply_markup", "has_media_spoiler", "show_caption_above_media", "effect_id",
    "business_connection_id", "sender_boost_count", "sender_business_bot", "is_from_offline",
}  # fmt: skip


def _other_key(message: dict[str, Any]) -> str:
    return next((k for k in message if k not in _BASE_KEYS), "unknown")[:40]


def _required_file_id(found: dict[str, Any], name: str) -> str:
    file_id = found.get("file_id")
    if not isinstance(file_id, str) or not file_id:
        raise UnreadableUpdate(f"{name} without file_id")
    return file_id


def _largest_photo(sizes: list[Any]) -> FileRef:
    """The biggest of the sizes Telegram offers (by bytes, else by pixels)."""
    candidates = [s for s in sizes if isinstance(s, dict)]
    if not candidates:
        raise UnreadableUpdate("photo without sizes")

    def bigness(size: dict[str, Any]) -> tuple[int, int]:
        pixels = int(size.get("width") or 0) * int(size.get("height") or 0)
        return int(size.get("file_size") or 0), pixels

    best = max(candidates, key=bigness)
    unique = _str(best.get("file_unique_id")) or "photo"
    return FileRef(
        file_id=_required_file_id(best, "photo"),
        filename=f"photo_{unique}.jpg"[:200],
        content_type="image/jpeg",
        size=best.get("file_size") if isinstance(best.get("file_size"), int) else None,
    )


def _contact(contact: dict[str, Any], sender: Sender) -> _Content:
    phone = _str(contact.get("phone_number")).strip()
    name = " ".join(
        p for p in (_str(contact.get("first_name")), _str(contact.get("last_name"))) if p
    )
    own = contact.get("user_id") == sender.user_id
    text = _("[contact: %(name)s, %(phone)s]") % {"name": name or "?", "phone": phone or "?"}
    meta = {"contact": {"name": name, "phone": phone, "own": own}}
    # Only their own number says who they are; someone else's card is just content.
    return _Content(text=text, phone=phone if own else "", meta=meta)


def _location(location: dict[str, Any], *, venue: dict[str, Any]) -> _Content:
    latitude, longitude = location.get("latitude"), location.get("longitude")
    if not isinstance(latitude, int | float) or not isinstance(longitude, int | float):
        raise UnreadableUpdate("location without coordinates")
    text = _("[location: %(latitude)s, %(longitude)s]") % {
        "latitude": f"{latitude:.6f}",
        "longitude": f"{longitude:.6f}",
    }
    place = [p for p in (_str(venue.get("title")), _str(venue.get("address"))) if p]
    link = f"https://www.openstreetmap.org/?mlat={latitude:.6f}&mlon={longitude:.6f}"
    found: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    lines = [text]
    if place:
        found["place"] = ", ".join(place)
        lines.append(found["place"])
    lines.append(link)
    return _Content(text="\n".join(lines), meta={"location": found})


def _callback_update(update_id: int, value: object) -> ParsedUpdate:
    query = _object(value, "callback_query")
    query_id = _str(query.get("id"))
    if not query_id:
        raise UnreadableUpdate("callback_query without id")
    sender = _sender(query.get("from"))
    message = _optional_object(query.get("message"))
    chat = _optional_object(message.get("chat"))
    if chat and chat.get("type") != "private":
        return ParsedUpdate(
            update_id=update_id,
            kind="callback_query",
            callback_query_id=query_id,
            ignore_reason="a button pressed outside a private chat",
        )
    data = query.get("data")
    if not isinstance(data, str) or not data:
        return ParsedUpdate(
            update_id=update_id,
            kind="callback_query",
            sender=sender,
            callback_query_id=query_id,
            ignore_reason="a button without callback data",
        )
    found_chat_id = chat.get("id")
    chat_id = found_chat_id if isinstance(found_chat_id, int) else sender.user_id
    found_pressed = message.get("message_id")
    pressed_on = found_pressed if isinstance(found_pressed, int) else None
    telegram = {**_telegram_meta(sender, chat_id, None), "callback_query_id": query_id}
    return ParsedUpdate(
        update_id=update_id,
        kind="callback_query",
        sender=sender,
        chat_id=chat_id,
        text=_button_label(message, data) or data,
        choice=data,
        callback_query_id=query_id,
        reply_to_message_id=pressed_on,
        meta={"telegram": telegram, "choice": data},
    )


def _button_label(message: dict[str, Any], data: str) -> str:
    """The text of the button whose callback_data is `data` on the message it was pressed
    on: what the customer chose, in their words."""
    markup = message.get("reply_markup")
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    for row in rows if isinstance(rows, list) else []:
        for button in row if isinstance(row, list) else []:
            if isinstance(button, dict) and button.get("callback_data") == data:
                return _str(button.get("text")).strip()
    return ""

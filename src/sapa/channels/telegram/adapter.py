"""Sending to Telegram: text with the bot's buttons as an inline keyboard (sendMessage),
then each attachment (sendPhoto for pictures, sendDocument for the rest).

A reply goes out from the bot the customer last wrote to on the ticket (else any of theirs,
else the first active bot) to their private chat, whose id is their Telegram user id (the
address of their telegram identity). Telegram's answers map to delivery results: 429 and
5xx or no answer are temporary (retried with backoff); 403 (the customer blocked the bot),
400 and a refused token are permanent, with a sentence the agent can act on.
"""

import logging
from typing import Any

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from sapa.channels.base import Capabilities
from sapa.channels.kinds import Channel
from sapa.channels.messages import DeliveryResult, OutboundAttachment, OutboundMessage
from sapa.channels.telegram.actions import api_for, external_id
from sapa.channels.telegram.bot_api import BotApi, BotApiError, Upload
from sapa.channels.telegram.models import TelegramBot
from sapa.conversations.models import Direction, Message

logger = logging.getLogger(__name__)

# sendMessage takes 4096 characters (UTF-16 units); a little less leaves room for emoji.
TEXT_CHUNK_CHARS = 4000
CALLBACK_DATA_MAX_BYTES = 64
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
PHOTO_MAX_BYTES = 10 * 1024 * 1024


class TelegramAdapter:
    capabilities = Capabilities(supports_attachments=True)

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        stored = (
            Message.objects.filter(pk=message.message_id)
            .values("meta", "ticket_id", "ticket__customer_id")
            .first()
        )
        if stored is None:
            return DeliveryResult(ok=False, error=_("The message no longer exists."))
        if not message.to_address.lstrip("-").isdigit():
            return DeliveryResult(
                ok=False,
                error=_("This is not a Telegram chat id: %(address)s")
                % {"address": message.to_address},
            )
        bot = sending_bot(stored["ticket_id"], stored["ticket__customer_id"])
        if bot is None:
            return DeliveryResult(ok=False, error=_("No active Telegram bot is set up in Sapa."))
        meta = stored["meta"] if isinstance(stored["meta"], dict) else {}
        api = api_for(bot)
        try:
            first_id = _send_text(api, message.to_address, message.text, meta.get("buttons"))
            for attachment in message.attachments:
                sent = _send_file(api, message.to_address, attachment)
                first_id = first_id or sent
        except BotApiError as error:
            return failure(error)
        except OSError as error:
            return DeliveryResult(ok=False, error=f"{type(error).__name__}: {error}")
        sent_id = external_id(bot.pk, int(message.to_address), first_id) if first_id else ""
        return DeliveryResult(ok=True, external_id=sent_id)


def sending_bot(ticket_id: int, customer_id: int) -> TelegramBot | None:
    """The bot the customer last wrote to on the ticket, else on any ticket, else the
    first active one."""
    for scope in ({"ticket_id": ticket_id}, {"ticket__customer_id": customer_id}):
        metas = (
            Message.objects.filter(channel=Channel.TELEGRAM, direction=Direction.INBOUND, **scope)
            .order_by("-created_at", "-id")
            .values_list("meta", flat=True)[:1]
        )
        for meta in metas:
            telegram = meta.get("telegram") if isinstance(meta, dict) else None
            bot_id = telegram.get("bot_id") if isinstance(telegram, dict) else None
            bot = TelegramBot.objects.filter(pk=bot_id, is_active=True).first() if bot_id else None
            if bot is not None:
                return bot
    return TelegramBot.objects.filter(is_active=True).order_by("pk").first()


def inline_keyboard(buttons: object) -> list[list[dict[str, str]]]:
    """The bot's buttons ([{"label", "value"}]) as an inline keyboard, one per row. A value
    longer than Telegram's 64 bytes of callback data is left out (it could not come back)."""
    rows: list[list[dict[str, str]]] = []
    for button in buttons if isinstance(buttons, list) else []:
        if not isinstance(button, dict):
            continue
        label, value = str(button.get("label") or ""), str(button.get("value") or "")
        if not label or not value:
            continue
        if len(value.encode()) > CALLBACK_DATA_MAX_BYTES:
            logger.warning("button value %r is longer than 64 bytes; left out", value[:80])
            continue
        rows.append([{"text": label, "callback_data": value}])
    return rows


def _chunks(text: str) -> list[str]:
    text = text.strip()
    if len(text) <= TEXT_CHUNK_CHARS:
        return [text] if text else []
    parts: list[str] = []
    while text:
        cut = text.rfind("\n", 0, TEXT_CHUNK_CHARS)
        cut = cut if cut > TEXT_CHUNK_CHARS // 2 else TEXT_CHUNK_CHARS
        parts.append(text[:cut].strip())
        text = text[cut:].strip()
    return [p for p in parts if p]


def _send_text(api: BotApi, chat_id: str, text: str, buttons: object) -> int | None:
    keyboard = inline_keyboard(buttons)
    chunks = _chunks(text)
    first: int | None = None
    for index, chunk in enumerate(chunks):
        params: dict[str, Any] = {"chat_id": chat_id, "text": chunk}
        if keyboard and index == len(chunks) - 1:
            params["reply_markup"] = {"inline_keyboard": keyboard}
        first = first or _message_id(api.call("sendMessage", params))
    return first


def _send_file(api: BotApi, chat_id: str, attachment: OutboundAttachment) -> int | None:
    with default_storage.open(attachment.path, "rb") as handle:
        content = handle.read()
    is_photo = attachment.content_type in PHOTO_TYPES and len(content) <= PHOTO_MAX_BYTES
    method, field = ("sendPhoto", "photo") if is_photo else ("sendDocument", "document")
    upload = Upload(
        field=field,
        filename=attachment.filename,
        content_type=attachment.content_type,
        content=content,
    )
    return _message_id(api.call_with_file(method, {"chat_id": chat_id}, upload))


def _message_id(result: object) -> int | None:
    found = result.get("message_id") if isinstance(result, dict) else None
    return found if isinstance(found, int) else None


def failure(error: BotApiError) -> DeliveryResult:
    """The delivery result for a Bot API error: what the agent reads, and whether to retry."""
    detail = error.description or str(error.status)
    if error.status == 429:
        text = _("Telegram asks to slow down (retry after %(seconds)s s).") % {
            "seconds": error.retry_after if error.retry_after is not None else "?"
        }
        return DeliveryResult(ok=False, error=text, temporary=True)
    if error.is_temporary:
        text = _("Telegram could not be reached: %(detail)s") % {"detail": detail}
        return DeliveryResult(ok=False, error=text, temporary=True)
    if error.status == 403:
        text = _(
            "The customer blocked the bot or never started a chat with it, so Telegram "
            "refuses messages to them (%(detail)s). Reply on another channel."
        ) % {"detail": detail}
    elif error.status in (401, 404):
        text = _("Telegram refused the bot's token (%(detail)s); check the bot in Sapa.") % {
            "detail": detail
        }
    else:
        text = _("Telegram refused the message: %(detail)s") % {"detail": detail}
    return DeliveryResult(ok=False, error=text, temporary=False)

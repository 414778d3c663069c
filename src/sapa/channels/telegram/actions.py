"""Taking in what Telegram sends: the webhook keeps each update raw (`take_update`), the
worker turns it into an inbound message (`process_update`) and lets the bot answer.

Every update is kept whatever becomes of it: taken in (with the message it became), ignored
(a group chat, a kind Sapa does not handle, a switched-off bot), quarantined (unreadable,
with the reason) or failed (still not taken in after MAX_ATTEMPTS tries). Telegram's
update_id is unique per bot: a delivery Telegram repeats is recognised and stored once.
"""

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from sapa.channels.kinds import Channel, IdentityKind
from sapa.channels.messages import Address, InboundAttachment, InboundMessage
from sapa.channels.telegram.bot_api import BotApi, BotApiError, FileTooLarge
from sapa.channels.telegram.models import TelegramBot, TelegramUpdate, UpdateStatus
from sapa.channels.telegram.parsing import FileRef, ParsedUpdate, UnreadableUpdate, parse_update
from sapa.conversations.actions import add_note, receive_inbound
from sapa.conversations.models import Message
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.customers.addresses import InvalidAddress, normalise_phone

logger = logging.getLogger(__name__)

ACTOR = Actor.system("telegram")
# Tries of one update before it is given up as failed (network trouble fetching a file).
MAX_ATTEMPTS = 5
# getFile serves files up to 20 MB from Telegram's cloud.
CLOUD_FILE_LIMIT_BYTES = 20 * 1024 * 1024


def api_for(bot: TelegramBot) -> BotApi:
    return BotApi(bot.token, base_url=bot.api_base_url)


def external_id(bot_id: int, chat_id: int, message_id: int) -> str:
    """The id a Telegram message is stored under (inbound and outbound share a chat's ids)."""
    return f"telegram:{bot_id}:{chat_id}:{message_id}"


@dataclass(frozen=True)
class TakenUpdate:
    update: TelegramUpdate
    duplicate: bool = False


# --- the webhook ----------------------------------------------------------------------


def take_update(bot: TelegramBot, body: bytes, *, reason: str = "") -> TakenUpdate:
    """Keep one webhook body for `bot` and have the worker process it. A body that is not
    an Update (or `reason`, e.g. too large) is quarantined; an update_id seen before returns
    the stored row with duplicate=True and writes nothing."""
    raw = body.decode("utf-8", errors="replace")
    update_id, kind = None, ""
    if not reason:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            data = None
        found = data.get("update_id") if isinstance(data, dict) else None
        if isinstance(found, int) and not isinstance(found, bool):
            update_id = found
            kind = next((k for k in data if k != "update_id"), "")[:40]
        else:
            reason = "not a JSON object with an update_id"
    status = UpdateStatus.RECEIVED
    if reason:
        status = UpdateStatus.QUARANTINED
    elif not bot.is_active:
        status, reason = UpdateStatus.IGNORED, "the bot is switched off in Sapa"
    row = TelegramUpdate(
        bot=bot,
        update_id=update_id,
        kind=kind,
        status=status,
        reason=reason,
        raw=raw,
        size_bytes=len(body),
    )
    try:
        with transaction.atomic():
            row.save()
            if status == UpdateStatus.RECEIVED:
                transaction.on_commit(lambda: _enqueue(row.pk))
    except IntegrityError:
        seen = TelegramUpdate.objects.filter(bot=bot, update_id=update_id).first()
        if seen is None:
            raise
        return TakenUpdate(seen, duplicate=True)
    if status == UpdateStatus.QUARANTINED:
        logger.warning("telegram update for %s quarantined: %s", bot, reason)
    return TakenUpdate(row)


def _enqueue(update_pk: int) -> None:
    from sapa.channels.telegram.tasks import process_update_task

    process_update_task(update_pk)


# --- the worker -----------------------------------------------------------------------


class _TryLater(Exception):
    """A file could not be fetched for now (network, Telegram's 5xx or 429)."""


def process_update(update_pk: int) -> TelegramUpdate | None:
    """Take in one kept update: a message, an edit or a button press. Safe to run twice
    (the message is deduplicated by its Telegram id; the bot answers only the first time).
    Returns the row, or None when there was nothing (left) to do."""
    claimed = TelegramUpdate.objects.filter(pk=update_pk, status=UpdateStatus.RECEIVED).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    update = TelegramUpdate.objects.select_related("bot").get(pk=update_pk)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            parsed = parse_update(json.loads(update.raw))
        except (UnreadableUpdate, ValueError) as error:
            reason = error.reason if isinstance(error, UnreadableUpdate) else "not JSON"
            return _finish(update, UpdateStatus.QUARANTINED, reason=reason)
        if parsed.ignore_reason:
            _answer_button(update.bot, parsed)
            return _finish(update, UpdateStatus.IGNORED, reason=parsed.ignore_reason)
        if parsed.kind == "edited_message":
            return _take_edit(update, parsed)
        try:
            return _take_message(update, parsed)
        except _TryLater as error:
            # Still RECEIVED: the task tries again later (the last try keeps what it has).
            update.reason = str(error)[:2000]
            update.save(update_fields=["reason"])
            return update


def _finish(
    update: TelegramUpdate,
    status: UpdateStatus,
    *,
    reason: str = "",
    message_id: int | None = None,
) -> TelegramUpdate:
    update.status = status
    update.reason = reason[:2000]
    update.message_id = message_id
    update.processed_at = clock.now()
    update.save(update_fields=["status", "reason", "message", "processed_at"])
    return update


def _take_message(update: TelegramUpdate, parsed: ParsedUpdate) -> TelegramUpdate:
    bot = update.bot
    assert parsed.sender is not None
    assert parsed.chat_id is not None
    last_try = update.attempts >= MAX_ATTEMPTS
    attachments, refused = _fetch_files(bot, parsed.files, keep_going=last_try)
    meta = dict(parsed.meta)
    meta["telegram"] = {**meta.get("telegram", {}), "bot_id": bot.pk}
    if refused:
        meta["refused"] = refused
    names = [f.filename for f in parsed.files]
    if parsed.kind == "callback_query":
        message_key = f"telegram:{bot.pk}:callback:{parsed.callback_query_id}"
    else:
        assert parsed.message_id is not None
        message_key = external_id(bot.pk, parsed.chat_id, parsed.message_id)
    replied = parsed.reply_to_message_id
    result = receive_inbound(
        InboundMessage(
            channel=Channel.TELEGRAM,
            external_id=message_key,
            addresses=_addresses(parsed),
            text=parsed.text or ", ".join(names),
            sender_name=parsed.sender.name or f"@{parsed.sender.username}".rstrip("@"),
            sent_at=parsed.sent_at,
            in_reply_to=external_id(bot.pk, parsed.chat_id, replied) if replied else "",
            team_id=bot.team_id,
            attachments=tuple(attachments),
            meta=meta,
        ),
        via=ACTOR,
    )
    _finish(update, UpdateStatus.PROCESSED, message_id=result.message_id)
    _answer_button(bot, parsed)
    if result.created:
        _bot_turn(result.message_id, parsed)
    return update


def _addresses(parsed: ParsedUpdate) -> tuple[Address, ...]:
    """The Telegram user first (by id: a username can change), then the phone number they
    shared of themselves, which finds them when they wrote before on WhatsApp or by phone."""
    assert parsed.sender is not None
    addresses = [Address(IdentityKind.TELEGRAM, str(parsed.sender.user_id))]
    if parsed.phone:
        try:
            addresses.append(Address(IdentityKind.PHONE, normalise_phone(parsed.phone)))
        except InvalidAddress:
            logger.info("telegram contact with an unreadable phone number")
    return tuple(addresses)


def _fetch_files(
    bot: TelegramBot, files: tuple[FileRef, ...], *, keep_going: bool
) -> tuple[list[InboundAttachment], list[dict[str, object]]]:
    """Download `files`; those too large or refused by Telegram are listed with the reason.
    Raises _TryLater on a temporary failure, unless `keep_going` (the last try), when the
    file is listed as not kept."""
    limit = min(settings.SAPA_MAX_ATTACHMENT_BYTES, CLOUD_FILE_LIMIT_BYTES)
    api = api_for(bot)
    kept: list[InboundAttachment] = []
    refused: list[dict[str, object]] = []
    for ref in files:
        if ref.size is not None and ref.size > limit:
            refused.append(_refusal(ref, ref.size, _("larger than the file size limit")))
            continue
        try:
            found = api.get_file(ref.file_id)
            path = found.get("file_path")
            if not isinstance(path, str) or not path:
                raise BotApiError(status=400, description="getFile gave no file_path")
            content = api.download(path, max_bytes=limit)
        except FileTooLarge as error:
            refused.append(_refusal(ref, error.size, _("larger than the file size limit")))
            continue
        except BotApiError as error:
            if error.is_temporary and not keep_going:
                raise _TryLater(f"fetching {ref.filename}: {error}") from None
            refused.append(
                _refusal(
                    ref,
                    ref.size,
                    _("Telegram did not give the file: %(error)s")
                    % {"error": error.description or error.status},
                )
            )
            continue
        kept.append(
            InboundAttachment(filename=ref.filename, content_type=ref.content_type, content=content)
        )
    return kept, refused


def _refusal(ref: FileRef, size: int | None, reason: str) -> dict[str, object]:
    return {"filename": ref.filename, "size": size, "reason": reason}


def _take_edit(update: TelegramUpdate, parsed: ParsedUpdate) -> TelegramUpdate:
    """A customer edited a message Sapa has: an internal note on its ticket shows the new
    text (the original stays as it arrived; the bot does not answer edits)."""
    assert parsed.chat_id is not None
    assert parsed.message_id is not None
    original = (
        Message.objects.filter(
            channel=Channel.TELEGRAM,
            external_id=external_id(update.bot_id, parsed.chat_id, parsed.message_id),
        )
        .select_related("ticket")
        .first()
    )
    if original is None:
        return _finish(
            update, UpdateStatus.IGNORED, reason="an edit of a message Sapa does not have"
        )
    note = add_note(
        original.ticket,
        text=_("The customer edited a Telegram message. New text: %(text)s")
        % {"text": parsed.text or "-"},
        actor=ACTOR,
    )
    return _finish(update, UpdateStatus.PROCESSED, message_id=note.pk)


def _answer_button(bot: TelegramBot, parsed: ParsedUpdate) -> None:
    """Stop the spinner on the pressed button (best effort: the press is taken either way)."""
    if not parsed.callback_query_id:
        return
    try:
        api_for(bot).call("answerCallbackQuery", {"callback_query_id": parsed.callback_query_id})
    except BotApiError as error:
        logger.info("answerCallbackQuery for %s failed: %s", bot, error)


def _bot_turn(message_id: int, parsed: ParsedUpdate) -> None:
    """The bot answers when it is on for Telegram. "/start" (a new chat) shows the main
    menu. A failing turn never undoes the stored message."""
    from sapa.bot import engine, menus

    try:
        if not engine.enabled_on(Channel.TELEGRAM):
            return
        choice = parsed.choice
        if choice is None and parsed.text.split(" ", 1)[0] == "/start":
            root = menus.root()
            choice = f"menu:{root.pk}" if root is not None else None
        engine.respond(message_id, choice=choice)
    except Exception:
        logger.exception("bot turn on telegram message %s failed", message_id)


def give_up(update_pk: int, *, reason: str) -> None:
    """Mark an update the worker could not take in after its tries (an unexpected error)."""
    TelegramUpdate.objects.filter(pk=update_pk, status=UpdateStatus.RECEIVED).update(
        status=UpdateStatus.FAILED, reason=reason[:2000], processed_at=clock.now()
    )

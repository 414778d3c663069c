"""Setting Telegram bots up (the console's Telegram page): adding a bot by its token (checked
with getMe), changing it, and pointing Telegram's webhook at Sapa (setWebhook)."""

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from sapa.accounts.models import Team
from sapa.accounts.permissions import Permission, require
from sapa.channels.telegram.actions import api_for
from sapa.channels.telegram.bot_api import BotApi, BotApiError
from sapa.channels.telegram.exceptions import TelegramRefused
from sapa.channels.telegram.models import DEFAULT_API_BASE_URL, TelegramBot
from sapa.channels.telegram.parsing import HANDLED_UPDATES
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput

_TOKEN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,100}$")


@dataclass(frozen=True)
class BotChoices:
    """What an admin chooses for a bot besides its token."""

    team_id: int | None = None
    is_active: bool = True
    api_base_url: str = DEFAULT_API_BASE_URL


@dataclass(frozen=True)
class _Me:
    telegram_id: int
    username: str
    name: str


def webhook_url(bot: TelegramBot) -> str:
    """Where Telegram posts this bot's updates (Telegram requires https)."""
    path = reverse("telegram:webhook", kwargs={"key": bot.key})
    return f"{settings.SAPA_BASE_URL}{path}"


def _checked_token(token: str) -> str:
    token = token.strip()
    if not _TOKEN.match(token):
        raise InvalidInput(_("Paste the token @BotFather gave, like 123456789:AAH…"), loc=["token"])
    return token


def _checked_choices(wanted: BotChoices) -> dict[str, Any]:
    base = wanted.api_base_url.strip().rstrip("/") or DEFAULT_API_BASE_URL
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise InvalidInput(
            _("Write the Bot API address as https://api.telegram.org (or your own server)."),
            loc=["api_base_url"],
        )
    if wanted.team_id is not None and not Team.objects.filter(pk=wanted.team_id).exists():
        raise InvalidInput(_("Choose an existing team."), loc=["team"])
    return {"team_id": wanted.team_id, "is_active": wanted.is_active, "api_base_url": base[:300]}


def _get_me(token: str, base_url: str) -> _Me:
    """Ask Telegram who the token belongs to. Raises InvalidInput (loc token)."""
    try:
        me = BotApi(token, base_url=base_url).call("getMe")
    except BotApiError as error:
        if error.is_temporary:
            message = _("Telegram could not be reached to check the token: %(error)s") % {
                "error": error.description or error.status
            }
        else:
            message = _("Telegram does not know this token (%(error)s).") % {
                "error": error.description or error.status
            }
        raise InvalidInput(message, loc=["token"]) from None
    if not isinstance(me, dict) or not isinstance(me.get("id"), int) or not me.get("username"):
        raise InvalidInput(_("Telegram's answer about this token was unexpected."), loc=["token"])
    return _Me(
        telegram_id=me["id"],
        username=str(me["username"])[:64],
        name=str(me.get("first_name") or "")[:120],
    )


def _summary(bot: TelegramBot) -> dict[str, Any]:
    return {
        "username": bot.username,
        "team_id": bot.team_id,
        "active": bot.is_active,
        "api_base_url": bot.api_base_url,
    }


def add_bot(token: str, wanted: BotChoices, *, actor: Actor) -> TelegramBot:
    """Add the bot behind `token` (checked with getMe). Raises PermissionDenied, InvalidInput
    (token: malformed, unknown to Telegram, or a bot already added; api_base_url; team)."""
    require(actor, Permission.MANAGE_CHANNELS)
    token = _checked_token(token)
    fields = _checked_choices(wanted)
    me = _get_me(token, fields["api_base_url"])
    with transaction.atomic():
        if TelegramBot.objects.select_for_update().filter(telegram_id=me.telegram_id).exists():
            raise InvalidInput(_("This bot is set up in Sapa already."), loc=["token"])
        bot = TelegramBot.objects.create(
            token=token, telegram_id=me.telegram_id, username=me.username, name=me.name, **fields
        )
        record_event(actor, "telegram_bot.created", bot, after=_summary(bot))
    return bot


def change_bot(
    bot: TelegramBot, wanted: BotChoices, *, actor: Actor, new_token: str = ""
) -> TelegramBot:
    """Change the bot's team, switch, API address and (with `new_token`, e.g. after
    /revoke at @BotFather) its token, which must belong to the same bot. Raises
    PermissionDenied, InvalidInput."""
    require(actor, Permission.MANAGE_CHANNELS)
    fields = _checked_choices(wanted)
    me = None
    if new_token.strip():
        token = _checked_token(new_token)
        me = _get_me(token, fields["api_base_url"])
        if me.telegram_id != bot.telegram_id:
            raise InvalidInput(
                _("This token belongs to another bot (@%(username)s).") % {"username": me.username},
                loc=["token"],
            )
        fields.update(token=token, username=me.username, name=me.name)
    with transaction.atomic():
        before = _summary(bot)
        for field, value in fields.items():
            setattr(bot, field, value)
        bot.save()
        after = {**_summary(bot), "token_changed": me is not None}
        record_event(actor, "telegram_bot.updated", bot, before=before, after=after)
    return bot


def set_webhook(bot: TelegramBot, *, actor: Actor) -> TelegramBot:
    """Point Telegram at Sapa: setWebhook with this bot's URL, its secret and the update
    kinds Sapa takes in. Raises PermissionDenied, TelegramRefused (with Telegram's reason,
    also kept on the bot as last_error)."""
    require(actor, Permission.MANAGE_CHANNELS)
    params = {
        "url": webhook_url(bot),
        "secret_token": bot.webhook_secret,
        "allowed_updates": list(HANDLED_UPDATES),
    }
    try:
        api_for(bot).call("setWebhook", params)
    except BotApiError as error:
        bot.last_error = str(error)[:2000]
        bot.save(update_fields=["last_error", "updated_at"])
        raise TelegramRefused(
            _("Telegram did not set the webhook: %(error)s") % {"error": error.description}
        ) from None
    with transaction.atomic():
        bot.webhook_set_at = clock.now()
        bot.last_error = ""
        bot.save(update_fields=["webhook_set_at", "last_error", "updated_at"])
        record_event(actor, "telegram_bot.webhook_set", bot, after={"url": params["url"]})
    return bot

"""A fake Telegram Bot API per test, a bot set up against it, and updates posted to the
webhook the way Telegram posts them (JSON, the secret-token header)."""

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from sapa.channels.telegram.config import BotChoices, add_bot
from sapa.channels.telegram.models import TelegramBot
from sapa.core.actors import Actor
from tests.channels.telegram.fake_api import BOT_TOKEN, FakeTelegram

USER_ID = 123456789
_update_ids = itertools.count(900000001)
_message_ids = itertools.count(1)


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram().start()
    yield fake
    fake.stop()


@pytest.fixture
def bot(db: None, fake_telegram: FakeTelegram) -> TelegramBot:
    return add_bot(
        BOT_TOKEN, BotChoices(api_base_url=fake_telegram.url), actor=Actor.system("test")
    )


class Webhook:
    """Telegram's side of the webhook: posts updates with the bot's secret."""

    def __init__(self, bot: TelegramBot, capture: Any) -> None:
        self.bot = bot
        self.client = Client()
        self.capture = capture

    def post(self, body: Any, *, secret: str | None = None, raw: bytes | None = None) -> Any:
        headers = {}
        token = self.bot.webhook_secret if secret is None else secret
        if token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        data = raw if raw is not None else json.dumps(body).encode()
        # Run what is queued on commit (the worker's task, then delivery), as in production.
        with self.capture(execute=True):
            return self.client.post(
                f"/hooks/telegram/{self.bot.key}/",
                data,
                content_type="application/json",
                headers=headers,
            )


@pytest.fixture
def webhook(bot: TelegramBot, django_capture_on_commit_callbacks: Any) -> Webhook:
    return Webhook(bot, django_capture_on_commit_callbacks)


def user(user_id: int = USER_ID, **extra: Any) -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": "Siti",
        "last_name": "Rahma",
        "username": "sitirahma",
        "language_code": "id",
        **extra,
    }


def message_update(
    content: dict[str, Any],
    *,
    user_id: int = USER_ID,
    kind: str = "message",
    chat_type: str = "private",
    **fields: Any,
) -> dict[str, Any]:
    """An Update carrying a message (or edited_message), shaped as Telegram sends it."""
    message = {
        "message_id": fields.pop("message_id", next(_message_ids)),
        "from": user(user_id),
        "chat": {
            "id": user_id,
            "first_name": "Siti",
            "last_name": "Rahma",
            "username": "sitirahma",
            "type": chat_type,
        },
        "date": 1767225600,
        **content,
        **fields,
    }
    if kind == "edited_message":
        message["edit_date"] = 1767225700
    return {"update_id": next(_update_ids), kind: message}


def text_update(text: str, **fields: Any) -> dict[str, Any]:
    return message_update({"text": text}, **fields)


def callback_update(
    data: str, *, pressed_on: int, buttons: list[list[dict[str, str]]], user_id: int = USER_ID
) -> dict[str, Any]:
    """A button press on the bot's message `pressed_on` that carried `buttons`."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": f"cbq{next(_message_ids)}",
            "from": user(user_id),
            "message": {
                "message_id": pressed_on,
                "from": {
                    "id": 7000000001,
                    "is_bot": True,
                    "first_name": "Toko Buku",
                    "username": "tokobuku_bot",
                },
                "chat": {"id": user_id, "first_name": "Siti", "type": "private"},
                "date": 1767225600,
                "text": "Ada yang bisa kami bantu? Pilih salah satu:",
                "reply_markup": {"inline_keyboard": buttons},
            },
            "chat_instance": "-1234567890123456789",
            "data": data,
        },
    }

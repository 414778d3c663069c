"""The bot's menu and answers work on Telegram: its buttons become an inline keyboard, a
pressed button comes back as the customer's choice and is answered; the bot runs in the
worker and only where it is switched on for Telegram."""

import json

import pytest

from sapa.bot.config import get_settings
from sapa.bot.models import MenuAction, MenuNode
from sapa.channels.kinds import Channel
from sapa.conversations.models import AuthorKind, DeliveryStatus, Direction, Message
from sapa.core import clock
from tests.channels.telegram.conftest import USER_ID, callback_update, text_update
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu(db):
    # Someone is at the console, so the bot does not announce opening hours.
    AgentFactory(username="online", console_seen_at=clock.now())
    settings = get_settings()
    settings.channels = [Channel.CHAT, Channel.TELEGRAM]
    settings.save()
    root = MenuNode.objects.create(
        menu="chat", label="Menu utama", action=MenuAction.MENU, text="Pilih salah satu:"
    )
    payment = MenuNode.objects.create(
        menu="chat",
        parent=root,
        key="3",
        position=3,
        label="Pembayaran",
        action=MenuAction.ANSWER,
        text="Kami menerima transfer bank, QRIS dan COD.",
    )
    return root, payment


def bot_replies() -> list[Message]:
    return list(
        Message.objects.filter(author_kind=AuthorKind.BOT, direction=Direction.OUTBOUND).order_by(
            "pk"
        )
    )


def keyboard(call) -> list[list[dict[str, str]]]:
    markup = call.params["reply_markup"]
    return (json.loads(markup) if isinstance(markup, str) else markup)["inline_keyboard"]


def test_a_greeting_gets_the_menu_as_an_inline_keyboard(webhook, fake_telegram, menu):
    _root, payment = menu
    # when
    webhook.post(text_update("halo kak"))
    # then: the bot's reply went out through sendMessage with the menu as buttons
    (reply,) = bot_replies()
    assert reply.channel == Channel.TELEGRAM
    assert reply.delivery_status == DeliveryStatus.SENT
    (sent,) = fake_telegram.calls_of("sendMessage")
    assert sent.params["chat_id"] == str(USER_ID)
    assert sent.params["text"] == reply.text
    assert keyboard(sent) == [[{"text": "3. Pembayaran", "callback_data": f"menu:{payment.pk}"}]]
    assert reply.external_id.startswith("telegram:")


def test_a_pressed_button_is_the_customers_choice_and_is_answered(webhook, fake_telegram, menu):
    _root, payment = menu
    webhook.post(text_update("halo kak"))
    (menu_sent,) = fake_telegram.calls_of("sendMessage")
    pressed_on = Message.objects.get(author_kind=AuthorKind.BOT).external_id.rsplit(":", 1)[1]
    # when
    update = callback_update(
        f"menu:{payment.pk}", pressed_on=int(pressed_on), buttons=keyboard(menu_sent)
    )
    webhook.post(update)
    # then: the press is an inbound message in the customer's words, with the choice
    press = Message.objects.filter(direction=Direction.INBOUND).latest("pk")
    assert press.text == "3. Pembayaran"
    assert press.meta["choice"] == f"menu:{payment.pk}"
    assert press.ticket_id == bot_replies()[0].ticket_id
    # the spinner on the button is stopped
    (answered,) = fake_telegram.calls_of("answerCallbackQuery")
    assert answered.params == {"callback_query_id": update["callback_query"]["id"]}
    # and the bot answered the choice, with its yes/no buttons
    answer = bot_replies()[-1]
    assert answer.text == "Kami menerima transfer bank, QRIS dan COD."
    last_sent = fake_telegram.calls_of("sendMessage")[-1]
    assert last_sent.params["text"] == answer.text
    assert [row[0]["callback_data"] for row in keyboard(last_sent)] == ["yes", "no"]


def test_start_shows_the_main_menu(webhook, fake_telegram, menu):
    webhook.post(text_update("/start"))
    (reply,) = bot_replies()
    assert reply.text == "Pilih salah satu:"
    assert reply.meta["buttons"][0]["label"] == "3. Pembayaran"


def test_the_bot_stays_quiet_where_it_is_not_on_for_telegram(webhook, fake_telegram, menu):
    settings = get_settings()
    settings.channels = [Channel.CHAT]
    settings.save()
    webhook.post(text_update("halo kak"))
    assert bot_replies() == []
    assert fake_telegram.calls_of("sendMessage") == []
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 1


def test_a_replayed_update_does_not_make_the_bot_answer_twice(webhook, fake_telegram, menu):
    update = text_update("halo kak")
    webhook.post(update)
    webhook.post(update)
    assert len(bot_replies()) == 1
    assert len(fake_telegram.calls_of("sendMessage")) == 1

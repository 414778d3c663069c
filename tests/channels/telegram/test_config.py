"""Setting a bot up: its token is checked with getMe and never shown back; "Set webhook"
tells Telegram the URL, the secret and the update kinds; only admins may."""

import json
import re

import pytest

from sapa.accounts.models import Role
from sapa.channels.telegram.config import BotChoices, add_bot, set_webhook, webhook_url
from sapa.channels.telegram.exceptions import TelegramRefused
from sapa.channels.telegram.models import TelegramBot
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from tests.channels.telegram.fake_api import BOT_ID, BOT_TOKEN
from tests.channels.walkin.conftest import signed_in
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


def test_a_bot_is_added_by_its_token_checked_with_telegram(fake_telegram):
    bot = add_bot(BOT_TOKEN, BotChoices(api_base_url=fake_telegram.url), actor=SYSTEM)
    assert (bot.telegram_id, bot.username, bot.name) == (BOT_ID, "tokobuku_bot", "Toko Buku")
    assert fake_telegram.calls_of("getMe")
    assert bot.shown_token == "7000000001:…89ab"
    assert len(bot.webhook_secret) >= 32


@pytest.mark.parametrize("token", ["not a token", "123:short"])
def test_a_malformed_token_is_refused_without_asking_telegram(fake_telegram, token):
    with pytest.raises(InvalidInput) as caught:
        add_bot(token, BotChoices(api_base_url=fake_telegram.url), actor=SYSTEM)
    assert caught.value.loc == ["token"]
    assert fake_telegram.calls == []


def test_a_token_telegram_does_not_know_is_refused(fake_telegram):
    unknown = "7000000001:AAHsomeOtherTokenThatIsNotValid_xyz"
    with pytest.raises(InvalidInput) as caught:
        add_bot(unknown, BotChoices(api_base_url=fake_telegram.url), actor=SYSTEM)
    assert caught.value.loc == ["token"]
    assert TelegramBot.objects.count() == 0


def test_the_same_bot_cannot_be_added_twice(bot, fake_telegram):
    with pytest.raises(InvalidInput):
        add_bot(BOT_TOKEN, BotChoices(api_base_url=fake_telegram.url), actor=SYSTEM)


def test_set_webhook_sends_the_url_the_secret_and_the_update_kinds(bot, fake_telegram):
    set_webhook(bot, actor=SYSTEM)
    (call,) = fake_telegram.calls_of("setWebhook")
    assert call.params["url"] == webhook_url(bot)
    assert call.params["url"].endswith(f"/hooks/telegram/{bot.key}/")
    assert call.params["secret_token"] == bot.webhook_secret
    assert call.params["allowed_updates"] == ["message", "edited_message", "callback_query"]
    bot.refresh_from_db()
    assert bot.webhook_set_at is not None


def test_a_refused_webhook_is_reported_and_kept_on_the_bot(bot, fake_telegram):
    fake_telegram.fail_next(
        "setWebhook", 400, "Bad Request: bad webhook: HTTPS url must be provided"
    )
    with pytest.raises(TelegramRefused) as caught:
        set_webhook(bot, actor=SYSTEM)
    assert "HTTPS url must be provided" in str(caught.value.message)
    bot.refresh_from_db()
    assert "HTTPS" in bot.last_error
    assert bot.webhook_set_at is None


def test_admins_add_a_bot_in_the_console_and_never_see_its_token_again(fake_telegram):
    admin = signed_in(AgentFactory(username="boss", role=Role.ADMIN))
    response = admin.post(
        "/manage/telegram/new/",
        {"token": BOT_TOKEN, "api_base_url": fake_telegram.url, "is_active": "on"},
    )
    bot = TelegramBot.objects.get()
    assert response.status_code == 302
    page = admin.get(f"/manage/telegram/{bot.pk}/").content.decode()
    assert BOT_TOKEN not in page
    assert bot.webhook_secret not in page
    assert webhook_url(bot) in page
    assert "@tokobuku_bot" in admin.get("/manage/telegram/").content.decode()
    # the "Set webhook" button
    admin.post(f"/manage/telegram/{bot.pk}/webhook/")
    assert json.loads(json.dumps(fake_telegram.calls_of("setWebhook")[0].params))["url"]


def test_a_bad_token_comes_back_on_the_form(fake_telegram):
    admin = signed_in(AgentFactory(username="boss", role=Role.ADMIN))
    response = admin.post(
        "/manage/telegram/new/", {"token": "oops", "api_base_url": fake_telegram.url}
    )
    assert response.status_code == 422
    assert "token" in response.context["form"].errors
    assert not re.search(r'name="token"[^>]*value="oops"', response.content.decode())


def test_agents_may_not_manage_bots(bot):
    agent = signed_in(AgentFactory(username="ani"))
    assert agent.get("/manage/telegram/").status_code == 403
    assert agent.post(f"/manage/telegram/{bot.pk}/webhook/").status_code == 403

"""The webhook: only Telegram (the secret token) gets in; every update is kept once, the
unreadable ones aside with the reason."""

import pytest

from sapa.channels.telegram.models import TelegramUpdate, UpdateStatus
from sapa.channels.telegram.views import MAX_UPDATE_BYTES
from sapa.conversations.models import Message, Ticket
from tests.channels.telegram.conftest import text_update

pytestmark = pytest.mark.django_db


def test_a_forged_or_missing_secret_is_refused_and_nothing_is_stored(webhook):
    # when
    forged = webhook.post(text_update("halo"), secret="not-the-secret")
    missing = webhook.post(text_update("halo"), secret="")
    # then
    assert forged.status_code == 401
    assert missing.status_code == 401
    assert TelegramUpdate.objects.count() == 0
    assert Message.objects.count() == 0


def test_an_unknown_bot_key_is_404(webhook, client):
    response = client.post("/hooks/telegram/nope/", "{}", content_type="application/json")
    assert response.status_code == 404
    assert TelegramUpdate.objects.count() == 0


def test_a_replayed_update_is_stored_and_taken_in_once(webhook):
    update = text_update("halo, mau tanya stok")
    # when
    first = webhook.post(update)
    again = webhook.post(update)
    # then
    assert first.status_code == again.status_code == 200
    assert TelegramUpdate.objects.count() == 1
    assert TelegramUpdate.objects.get().status == UpdateStatus.PROCESSED
    assert Message.objects.filter(channel="telegram").count() == 1
    assert Ticket.objects.count() == 1


def test_a_body_that_is_not_an_update_is_kept_aside_with_400(webhook):
    # when
    broken = webhook.post(None, raw=b'{"update_id": 1, "message": {')
    no_id = webhook.post({"message": {"text": "halo"}})
    # then
    assert broken.status_code == 400
    assert no_id.status_code == 400
    rows = list(TelegramUpdate.objects.order_by("pk"))
    assert [r.status for r in rows] == [UpdateStatus.QUARANTINED, UpdateStatus.QUARANTINED]
    assert rows[0].raw == '{"update_id": 1, "message": {'
    assert rows[0].reason
    assert Message.objects.count() == 0


def test_a_too_large_body_is_refused_and_kept_aside(webhook):
    body = b'{"update_id": 5, "message": {"text": "' + b"x" * MAX_UPDATE_BYTES + b'"}}'
    response = webhook.post(None, raw=body)
    assert response.status_code == 413
    row = TelegramUpdate.objects.get()
    assert row.status == UpdateStatus.QUARANTINED
    assert "limit" in row.reason
    assert Message.objects.count() == 0


def test_an_update_for_a_switched_off_bot_is_kept_but_not_taken_in(webhook, bot):
    bot.is_active = False
    bot.save()
    response = webhook.post(text_update("halo"))
    assert response.status_code == 200
    row = TelegramUpdate.objects.get()
    assert row.status == UpdateStatus.IGNORED
    assert Message.objects.count() == 0


def test_updates_of_other_kinds_and_group_chats_are_kept_as_ignored(webhook):
    webhook.post({"update_id": 77, "my_chat_member": {"chat": {"id": 1}}})
    webhook.post(text_update("halo semua", chat_type="group"))
    rows = list(TelegramUpdate.objects.order_by("pk"))
    assert [r.status for r in rows] == [UpdateStatus.IGNORED, UpdateStatus.IGNORED]
    assert "my_chat_member" in rows[0].reason
    assert "group" in rows[1].reason
    assert Message.objects.count() == 0

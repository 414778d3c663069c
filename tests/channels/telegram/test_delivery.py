"""Replies leave through the Bot API: text with the bot's buttons as an inline keyboard,
files as photos or documents; Telegram's refusals become clear, retried or final, results."""

import socket

import pytest
from django.utils import translation

from sapa.channels.kinds import Channel
from sapa.channels.messages import InboundAttachment
from sapa.channels.telegram.adapter import inline_keyboard
from sapa.conversations.actions import reply
from sapa.conversations.models import DeliveryStatus, Message, OutboxItem, OutboxStatus, Ticket
from sapa.core.actors import Actor
from tests.channels.telegram.conftest import USER_ID, text_update
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def ticket(webhook):
    webhook.post(text_update("halo, bisa kirim katalog?"))
    return Ticket.objects.get()


@pytest.fixture
def agent():
    return AgentFactory(username="ani")


def send(ticket, agent, capture, **fields):
    with capture(execute=True):
        message = reply(ticket, actor=Actor.for_agent(agent), **fields)
    return Message.objects.get(pk=message.pk)


def test_an_agents_reply_goes_to_the_customers_chat(
    ticket, agent, fake_telegram, django_capture_on_commit_callbacks
):
    sent = send(ticket, agent, django_capture_on_commit_callbacks, text="Tentu, ini katalognya.")
    assert sent.channel == Channel.TELEGRAM
    assert sent.delivery_status == DeliveryStatus.SENT
    (call,) = fake_telegram.calls_of("sendMessage")
    assert call.params == {"chat_id": str(USER_ID), "text": "Tentu, ini katalognya."}
    assert (
        sent.external_id
        == f"telegram:{ticket.messages.first().meta['telegram']['bot_id']}:{USER_ID}:5000"
    )


def test_files_go_as_a_photo_and_a_document(
    ticket, agent, fake_telegram, django_capture_on_commit_callbacks
):
    files = [
        InboundAttachment(filename="sampul.png", content_type="image/png", content=PNG),
        InboundAttachment(
            filename="katalog.pdf", content_type="application/pdf", content=b"%PDF-1.4 x"
        ),
    ]
    sent = send(ticket, agent, django_capture_on_commit_callbacks, text="Ini ya", attachments=files)
    assert sent.delivery_status == DeliveryStatus.SENT
    assert [c.method for c in fake_telegram.calls][-3:] == [
        "sendMessage",
        "sendPhoto",
        "sendDocument",
    ]
    photo, document = (
        fake_telegram.calls_of("sendPhoto")[0],
        fake_telegram.calls_of("sendDocument")[0],
    )
    assert photo.params == {"chat_id": str(USER_ID)}
    assert photo.files["photo"] == ("sampul.png", "image/png", PNG)
    assert document.files["document"][0] == "katalog.pdf"


def test_buttons_longer_than_telegram_takes_are_left_out():
    buttons = [{"label": "Ya", "value": "yes"}, {"label": "Panjang", "value": "x" * 65}]
    assert inline_keyboard(buttons) == [[{"text": "Ya", "callback_data": "yes"}]]


def test_a_rate_limit_is_retried_later(
    ticket, agent, fake_telegram, django_capture_on_commit_callbacks
):
    fake_telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with translation.override("en"):
        sent = send(ticket, agent, django_capture_on_commit_callbacks, text="Sebentar ya")
    outbox = OutboxItem.objects.get(message=sent)
    assert outbox.status == OutboxStatus.PENDING
    assert sent.delivery_status == DeliveryStatus.QUEUED
    assert "retry after 7" in sent.delivery_error


def test_a_blocked_bot_fails_the_message_with_a_clear_reason(
    ticket, agent, fake_telegram, django_capture_on_commit_callbacks
):
    fake_telegram.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    with translation.override("en"):
        sent = send(ticket, agent, django_capture_on_commit_callbacks, text="Halo?")
    assert sent.delivery_status == DeliveryStatus.FAILED
    assert "blocked the bot" in sent.delivery_error
    assert OutboxItem.objects.get(message=sent).status == OutboxStatus.FAILED


def test_a_bad_request_is_final(ticket, agent, fake_telegram, django_capture_on_commit_callbacks):
    fake_telegram.fail_next("sendMessage", 400, "Bad Request: chat not found")
    sent = send(ticket, agent, django_capture_on_commit_callbacks, text="Halo?")
    assert sent.delivery_status == DeliveryStatus.FAILED
    assert "chat not found" in sent.delivery_error


def test_a_server_error_or_no_answer_is_retried(
    ticket, agent, bot, fake_telegram, django_capture_on_commit_callbacks
):
    fake_telegram.fail_next("sendMessage", 500, "Internal Server Error")
    first = send(ticket, agent, django_capture_on_commit_callbacks, text="Satu")
    assert OutboxItem.objects.get(message=first).status == OutboxStatus.PENDING
    # nothing listens on this port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    bot.api_base_url = f"http://127.0.0.1:{closed_port}"
    bot.save()
    second = send(ticket, agent, django_capture_on_commit_callbacks, text="Dua")
    assert OutboxItem.objects.get(message=second).status == OutboxStatus.PENDING
    assert second.delivery_error

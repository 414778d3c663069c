"""Replies going out through the Cloud API: what we send (token, JSON shape), files by
uploaded media id, the bot's choices as buttons or a list, and what each error means."""

import pytest
from django.utils import translation

from sapa.bot.engine import BOT
from sapa.channels.messages import InboundAttachment
from sapa.channels.models import LoggedDelivery
from sapa.channels.whatsapp.models import WhatsAppAccount
from sapa.conversations.actions import reply
from sapa.conversations.models import DeliveryStatus, Message, OutboxItem, OutboxStatus, Ticket
from sapa.core.actors import Actor
from tests.channels.whatsapp.fake_graph import TOKEN
from tests.channels.whatsapp.payloads import CUSTOMER, PHONE_NUMBER_ID, envelope, text
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def ticket(deliver) -> Ticket:
    deliver(envelope(messages=[text("halo kak")]))
    return Ticket.objects.get()


@pytest.fixture
def send(ticket, django_capture_on_commit_callbacks):
    """Reply on the ticket and run the delivery task (in English)."""

    def run(body: str, *, actor: Actor | None = None, **kwargs) -> Message:
        actor = actor or Actor.for_agent(AgentFactory(username="ani"))
        with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
            message = reply(ticket, text=body, actor=actor, **kwargs)
        message.refresh_from_db()
        return message

    return run


def test_a_text_reply_is_posted_with_the_token_to_the_numbers_messages(send, graph):
    message = send("Pesanan kakak sedang dikirim.")
    request = next(r for r in graph.requests if r.method == "POST")
    assert request.path == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": CUSTOMER,
        "type": "text",
        "text": {"body": "Pesanan kakak sedang dikirim.", "preview_url": False},
    }
    assert message.delivery_status == DeliveryStatus.SENT
    assert message.external_id == "wamid.OUT000001"


def test_a_text_longer_than_whatsapp_takes_goes_in_pieces(send, graph, settings):
    settings.SAPA_MAX_MESSAGE_CHARS = 20000
    body = ("Kalimat yang cukup panjang untuk diulang. " * 250).strip()
    message = send(body)
    pieces = [s["text"]["body"] for s in graph.sent()]
    assert len(pieces) == 3
    assert all(len(piece) <= 4096 for piece in pieces)
    assert " ".join(pieces) == body
    assert message.external_id == "wamid.OUT000003"


def test_a_link_asks_for_a_preview(send, graph):
    send("Lacak di https://tokobuku.example/lacak/10045")
    assert graph.sent()[0]["text"]["preview_url"] is True


def test_files_are_uploaded_then_sent_by_media_id_with_the_text_as_caption(send, graph):
    files = [
        InboundAttachment("foto.png", "image/png", PNG),
        InboundAttachment("faktur.pdf", "application/pdf", b"%PDF-1.4 faktur"),
    ]
    send("Ini fakturnya kak", attachments=files)
    uploads = graph.uploads()
    assert len(uploads) == 2
    assert uploads[0].headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="messaging_product"\r\n\r\nwhatsapp' in uploads[0].body
    assert b'name="type"\r\n\r\nimage/png' in uploads[0].body
    assert b'filename="foto.png"' in uploads[0].body
    assert PNG in uploads[0].body
    sent = graph.sent()
    assert [s["type"] for s in sent] == ["image", "document"]
    assert sent[0]["image"] == {"id": "upload-1"}
    assert sent[1]["document"] == {
        "id": "upload-2",
        "caption": "Ini fakturnya kak",
        "filename": "faktur.pdf",
    }


def test_the_bots_menu_goes_as_a_list_with_the_choices_as_row_ids(send, graph):
    buttons = [
        {"label": "1. Cek status pesanan", "value": "menu:2"},
        {"label": "2. Retur & refund", "value": "menu:3"},
        {"label": "3. Pembayaran", "value": "menu:4"},
        {"label": "4. Tanya produk yang belum ada di katalog", "value": "menu:5"},
    ]
    send("Ada yang bisa kami bantu? Pilih salah satu:", actor=BOT, meta={"buttons": buttons})
    (sent,) = graph.sent()
    assert sent["type"] == "interactive"
    interactive = sent["interactive"]
    assert interactive["type"] == "list"
    assert interactive["body"] == {"text": "Ada yang bisa kami bantu? Pilih salah satu:"}
    assert interactive["action"]["button"] == "Choose"
    rows = interactive["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == ["menu:2", "menu:3", "menu:4", "menu:5"]
    assert rows[0] == {"id": "menu:2", "title": "1. Cek status pesanan"}
    assert all(len(r["title"]) <= 24 for r in rows)
    assert rows[3]["title"] == "4. Tanya produk yang be…"
    assert rows[3]["description"] == "4. Tanya produk yang belum ada di katalog"


def test_up_to_three_short_choices_go_as_reply_buttons(send, graph):
    buttons = [{"label": "Ya", "value": "yes"}, {"label": "Tidak", "value": "no"}]
    send("Apakah jawaban ini membantu?", actor=BOT, meta={"buttons": buttons})
    (sent,) = graph.sent()
    assert sent["interactive"] == {
        "type": "button",
        "body": {"text": "Apakah jawaban ini membantu?"},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": "yes", "title": "Ya"}},
                {"type": "reply", "reply": {"id": "no", "title": "Tidak"}},
            ]
        },
    }


def test_a_list_keeps_at_most_ten_rows(send, graph):
    buttons = [{"label": f"Pilihan {n}", "value": f"v{n}"} for n in range(14)]
    send("Pilih:", actor=BOT, meta={"buttons": buttons})
    rows = graph.sent()[0]["interactive"]["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == [f"v{n}" for n in range(10)]


def test_re_engagement_fails_at_once_and_tells_the_agent_to_use_a_template(send, graph):
    graph.fail_next_send(131047, "Re-engagement message")
    message = send("Halo kak, masih ada yang bisa dibantu?")
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "Send a template from the composer" in message.delivery_error
    assert OutboxItem.objects.get(message=message).status == OutboxStatus.FAILED


def test_an_undeliverable_number_fails_for_good(send, graph):
    graph.fail_next_send(131026, "Message undeliverable")
    message = send("Halo")
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "could not deliver" in message.delivery_error
    assert OutboxItem.objects.get(message=message).attempts == 1


@pytest.mark.parametrize(
    ("code", "status"), [(130429, 400), (131056, 400), (131000, 500), (4, 400)]
)
def test_rate_limits_and_metas_trouble_are_tried_again_later(send, graph, code, status):
    graph.fail_next_send(code, "slow down", status=status)
    message = send("Halo")
    item = OutboxItem.objects.get(message=message)
    assert item.status == OutboxStatus.PENDING
    assert item.next_attempt_at > item.created_at
    assert message.delivery_status == DeliveryStatus.QUEUED
    assert str(code) in message.delivery_error


def test_a_bare_5xx_is_temporary(send, graph):
    graph.send_errors.append((502, {}))
    message = send("Halo")
    assert OutboxItem.objects.get(message=message).status == OutboxStatus.PENDING


def test_an_expired_token_fails_with_a_clear_text(send, account):
    WhatsAppAccount.objects.filter(pk=account.pk).update(access_token="EAAexpired")
    message = send("Halo")
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "access token is not valid" in message.delivery_error
    assert "190" in message.delivery_error


def test_an_unreachable_graph_api_is_temporary(send, account):
    WhatsAppAccount.objects.filter(pk=account.pk).update(graph_base_url="http://127.0.0.1:9")
    message = send("Halo")
    item = OutboxItem.objects.get(message=message)
    assert item.status == OutboxStatus.PENDING
    assert "could not be reached" in message.delivery_error


def test_without_an_active_account_the_log_adapter_keeps_the_reply(send, account, graph):
    WhatsAppAccount.objects.filter(pk=account.pk).update(is_active=False)
    message = send("Halo")
    assert message.delivery_status == DeliveryStatus.SENT
    assert LoggedDelivery.objects.get().text == "Halo"
    assert graph.sent() == []

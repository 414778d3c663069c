"""Every kind of customer message a delivery can carry becomes a readable ticket message,
with its details in meta["whatsapp"] and nothing the customer sent lost."""

from datetime import UTC, datetime

import pytest
from django.test import override_settings

from sapa.channels.kinds import IdentityKind
from sapa.channels.whatsapp.models import DeliveryStatus, WhatsAppWebhookDelivery
from sapa.conversations.models import Direction, Message, Ticket, TicketStatus
from sapa.customers.models import Customer, Identity
from tests.builders import inbound
from tests.channels.whatsapp.fake_graph import FakeMedia
from tests.channels.whatsapp.payloads import TIMESTAMP, envelope, message, text, wamid

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"0" * 300


def only_message() -> Message:
    return Message.objects.select_related("ticket", "author_customer").get()


def test_a_text_message_opens_a_ticket_for_the_number(deliver, account):
    message_id = wamid()
    response = deliver(
        envelope(messages=[text("Halo kak, pesanan saya belum sampai", id=message_id)])
    )
    assert response.status_code == 200
    stored = only_message()
    assert stored.text == "Halo kak, pesanan saya belum sampai"
    assert stored.external_id == message_id
    assert stored.direction == Direction.INBOUND
    assert stored.sent_at == datetime.fromtimestamp(TIMESTAMP, tz=UTC)
    assert stored.meta["whatsapp"]["account_id"] == account.pk
    assert stored.meta["whatsapp"]["type"] == "text"
    assert stored.ticket.origin_channel == "whatsapp"
    assert stored.author_customer.name == "Rina Kusuma"
    identity = Identity.objects.get(customer=stored.author_customer)
    assert (identity.kind, identity.value) == (IdentityKind.WHATSAPP, "+6281234567890")
    kept = WhatsAppWebhookDelivery.objects.get()
    assert (kept.status, kept.messages_taken) == (DeliveryStatus.PROCESSED, 1)


def test_a_customer_known_by_phone_elsewhere_is_the_same_customer(deliver):
    # given: a customer who wrote by email and gave the same number as a phone
    earlier = inbound("pesanan saya", email="rina@example.com", phone="0812-3456-7890")
    # when
    deliver(envelope(messages=[text("halo lagi")]))
    # then
    stored = Message.objects.get(channel="whatsapp")
    assert stored.author_customer_id == earlier.customer_id
    assert Customer.objects.count() == 1


def test_the_team_of_the_account_gets_new_tickets(deliver, account):
    from tests.factories import TeamFactory

    account.team = TeamFactory(name="WhatsApp")
    account.save()
    deliver(envelope(messages=[text("halo")]))
    assert Ticket.objects.get().team_id == account.team_id


def test_an_image_is_downloaded_with_the_token_and_attached(deliver, graph):
    graph.media["img-1"] = FakeMedia(JPEG, "image/jpeg")
    body = {
        "caption": "Ini barangnya rusak",
        "mime_type": "image/jpeg",
        "sha256": "x",
        "id": "img-1",
    }
    deliver(envelope(messages=[message("image", body)]))
    stored = only_message()
    assert stored.text == "Ini barangnya rusak"
    attachment = stored.attachments.get()
    assert attachment.content_type == "image/jpeg"
    assert attachment.size_bytes == len(JPEG)
    assert attachment.filename.startswith("image-img-1")
    fetched = [r for r in graph.requests if r.method == "GET"]
    assert [r.path for r in fetched] == ["/v21.0/img-1", "/media-files/img-1"]
    assert all(r.headers["authorization"] == "Bearer EAAtesttoken1234567890" for r in fetched)


def test_a_document_keeps_its_file_name(deliver, graph):
    graph.media["doc-1"] = FakeMedia(PDF, "application/pdf")
    body = {"filename": "invoice-10045.pdf", "mime_type": "application/pdf", "id": "doc-1"}
    deliver(envelope(messages=[message("document", body)]))
    stored = only_message()
    assert stored.text == "invoice-10045.pdf"
    assert stored.attachments.get().filename == "invoice-10045.pdf"


@pytest.mark.parametrize(
    ("kind", "body", "text_shown", "mime"),
    [
        (
            "audio",
            {"mime_type": "audio/ogg; codecs=opus", "id": "m-1", "voice": True},
            "[voice message]",
            "audio/ogg",
        ),
        ("video", {"mime_type": "video/mp4", "id": "m-1"}, "[video]", "video/mp4"),
        (
            "sticker",
            {"mime_type": "image/webp", "id": "m-1", "animated": False},
            "[sticker]",
            "image/webp",
        ),
    ],
)
def test_audio_video_and_stickers_are_attached(deliver, graph, kind, body, text_shown, mime):
    graph.media["m-1"] = FakeMedia(b"\x00media-bytes", mime)
    deliver(envelope(messages=[message(kind, body)]))
    stored = only_message()
    assert stored.text == text_shown
    assert stored.attachments.get().content_type == mime


@override_settings(SAPA_MAX_ATTACHMENT_BYTES=100)
def test_oversized_media_is_not_downloaded_but_the_message_is_kept_with_a_note(deliver, graph):
    graph.media["big"] = FakeMedia(JPEG, "image/jpeg", declared_size=25_000_000)
    deliver(envelope(messages=[message("image", {"mime_type": "image/jpeg", "id": "big"})]))
    stored = only_message()
    assert stored.attachments.count() == 0
    assert "[image]" in stored.text
    assert "not kept" in stored.text
    assert stored.meta["whatsapp"]["not_kept"]
    assert not any(r.path.startswith("/media-files/") for r in graph.requests)


@override_settings(SAPA_MAX_ATTACHMENT_BYTES=100)
def test_media_larger_than_it_said_is_cut_off_at_the_limit(deliver, graph):
    graph.media["liar"] = FakeMedia(JPEG, "image/jpeg", declared_size=10)
    deliver(envelope(messages=[message("image", {"mime_type": "image/jpeg", "id": "liar"})]))
    stored = only_message()
    assert stored.attachments.count() == 0
    assert stored.meta["whatsapp"]["not_kept"]


def test_a_media_download_that_fails_for_now_is_tried_again_later(deliver, graph):
    graph.media["img-2"] = FakeMedia(JPEG, "image/jpeg")
    graph.media_errors.append(503)
    deliver(envelope(messages=[message("image", {"mime_type": "image/jpeg", "id": "img-2"})]))
    # then: nothing stored yet, the delivery waits for another try
    kept = WhatsAppWebhookDelivery.objects.get()
    assert kept.status == DeliveryStatus.RECEIVED
    assert Message.objects.count() == 0
    # when: the worker tries again (the scheduled retry)
    from sapa.channels.whatsapp.tasks import process_delivery_task

    process_delivery_task.call_local(kept.pk)
    stored = only_message()
    assert stored.attachments.count() == 1
    kept.refresh_from_db()
    assert kept.status == DeliveryStatus.PROCESSED


def test_a_location_becomes_text_with_a_map_link(deliver):
    body = {
        "latitude": -6.2,
        "longitude": 106.816666,
        "name": "Toko Buku Sapa",
        "address": "Jl. Sabang No. 1, Jakarta",
    }
    deliver(envelope(messages=[message("location", body)]))
    stored = only_message()
    assert stored.text.splitlines() == [
        "[location]",
        "Toko Buku Sapa",
        "Jl. Sabang No. 1, Jakarta",
        "https://www.google.com/maps/search/?api=1&query=-6.2,106.816666",
    ]
    assert stored.meta["whatsapp"]["location"]["latitude"] == -6.2


def test_shared_contacts_become_text(deliver):
    cards = [
        {
            "name": {"formatted_name": "Budi Santoso", "first_name": "Budi"},
            "phones": [{"phone": "+62 813-1111-2222", "wa_id": "6281311112222", "type": "CELL"}],
            "emails": [{"email": "budi@example.com", "type": "WORK"}],
        }
    ]
    deliver(envelope(messages=[message("contacts", cards)]))
    stored = only_message()
    assert stored.text.splitlines() == [
        "[contact] Budi Santoso",
        "  Cell +62 813-1111-2222",
        "  budi@example.com",
    ]
    assert stored.meta["whatsapp"]["contacts"] == cards


def test_a_reaction_is_kept_on_the_ticket_without_reopening_it(deliver):
    # given: a solved ticket whose message the customer reacts to
    first = wamid()
    deliver(envelope(messages=[text("terima kasih kak", id=first)]))
    ticket = Ticket.objects.get()
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.SOLVED)
    # when
    reaction = {"message_id": first, "emoji": "👍"}
    deliver(envelope(messages=[message("reaction", reaction)]))
    # then
    stored = Message.objects.order_by("pk").last()
    assert stored.ticket_id == ticket.pk
    assert stored.text == "[reacted 👍]"
    assert stored.auto_reply == "whatsapp reaction"
    assert stored.meta["whatsapp"]["reaction"] == {"emoji": "👍", "message_id": first}
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SOLVED


def test_a_removed_reaction_says_so(deliver):
    deliver(envelope(messages=[message("reaction", {"message_id": wamid(), "emoji": ""})]))
    assert only_message().text == "[reaction removed]"


def test_a_template_quick_reply_button_gives_its_payload_as_the_choice(deliver):
    body = {"text": "Ya, kirim ulang", "payload": "RESEND_YES"}
    deliver(envelope(messages=[message("button", body, context={"from": "62811", "id": wamid()})]))
    stored = only_message()
    assert stored.text == "Ya, kirim ulang"
    assert stored.meta["choice"] == "RESEND_YES"


@pytest.mark.parametrize("kind", ["button_reply", "list_reply"])
def test_interactive_replies_give_the_title_as_text_and_the_id_as_the_choice(deliver, kind):
    reply = {"id": "menu:7", "title": "1. Cek status pesanan"}
    if kind == "list_reply":
        reply["description"] = "Lacak paket"
    deliver(envelope(messages=[message("interactive", {"type": kind, kind: reply})]))
    stored = only_message()
    assert stored.text == "1. Cek status pesanan"
    assert stored.meta["choice"] == "menu:7"
    assert stored.meta["whatsapp"]["reply"]["kind"] == kind


def test_an_unknown_type_is_kept_as_an_unsupported_message_with_its_raw_object(deliver):
    raw = message("poll", {"question": "Warna favorit?", "options": ["merah", "biru"]})
    response = deliver(envelope(messages=[raw]))
    assert response.status_code == 200
    stored = only_message()
    assert stored.text == "[unsupported message type: poll]"
    assert stored.meta["whatsapp"]["unsupported"] is True
    assert stored.meta["whatsapp"]["raw"] == raw


def test_metas_own_unsupported_type_is_kept_too(deliver):
    raw = {
        "from": "6281234567890",
        "id": wamid(),
        "timestamp": str(TIMESTAMP),
        "type": "unsupported",
        "errors": [{"code": 131051, "title": "Message type unknown"}],
    }
    deliver(envelope(messages=[raw]))
    stored = only_message()
    assert stored.text == "[unsupported message type: unsupported]"
    assert stored.meta["whatsapp"]["raw"]["errors"][0]["code"] == 131051


def test_a_reply_to_an_earlier_message_joins_its_ticket(deliver):
    first = wamid()
    deliver(envelope(messages=[text("pesanan 10045", id=first)]))
    ticket = Ticket.objects.get()
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED)
    deliver(envelope(messages=[text("yang ini kak", context={"from": "62811", "id": first})]))
    # A closed ticket gets a follow-up; the answer is not lost in a stranger's ticket.
    latest = Message.objects.order_by("pk").last()
    assert latest.ticket.follow_up_of_id == ticket.pk


def test_one_bad_message_does_not_cost_the_others(deliver):
    good = text("halo")
    bad = {"id": wamid(), "timestamp": "1", "type": "text", "text": {"body": "no sender"}}
    deliver(envelope(messages=[bad, good]))
    assert only_message().text == "halo"
    kept = WhatsAppWebhookDelivery.objects.get()
    assert kept.status == DeliveryStatus.QUARANTINED
    assert kept.messages_taken == 1
    assert "without id, from or type" in kept.reason

"""Each kind of Telegram message becomes a message on the customer's ticket: the customer
is the Telegram user (by id), files are fetched in the worker within the size limit, and
what Sapa cannot show is kept and said so."""

import pytest

from sapa.channels.kinds import Channel, IdentityKind
from sapa.channels.telegram import actions
from sapa.channels.telegram.models import TelegramUpdate, UpdateStatus
from sapa.conversations.models import Direction, Message, Ticket
from sapa.customers.models import Customer, Identity
from tests.builders import inbound
from tests.channels.telegram.conftest import USER_ID, message_update, text_update

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"0" * 100


def only_message() -> Message:
    return Message.objects.select_related("ticket__customer").get(channel=Channel.TELEGRAM)


def test_a_text_message_opens_a_ticket_for_the_telegram_user(webhook, bot):
    # when
    response = webhook.post(text_update("halo kak, pesanan INV-2026-00123 blm sampai"))
    # then
    assert response.status_code == 200
    message = only_message()
    assert message.direction == Direction.INBOUND
    assert message.text == "halo kak, pesanan INV-2026-00123 blm sampai"
    customer = message.ticket.customer
    assert customer.name == "Siti Rahma"
    identity = Identity.objects.get(customer=customer)
    assert (identity.kind, identity.value) == (IdentityKind.TELEGRAM, str(USER_ID))
    assert message.meta["telegram"]["username"] == "sitirahma"
    assert message.meta["telegram"]["bot_id"] == bot.pk
    assert TelegramUpdate.objects.get().message_id == message.pk


def test_the_next_message_joins_the_same_ticket_and_a_username_change_changes_nothing(webhook):
    webhook.post(text_update("halo"))
    update = text_update("ini saya lagi")
    update["message"]["from"]["username"] = "siti_baru"
    webhook.post(update)
    assert Ticket.objects.count() == 1
    assert Customer.objects.count() == 1
    assert Message.objects.filter(channel=Channel.TELEGRAM).count() == 2


def test_a_photo_is_fetched_in_its_largest_size_with_the_caption(webhook, fake_telegram):
    fake_telegram.add_file("small", b"\xff\xd8\xff" + b"s" * 10, path="photos/small.jpg")
    fake_telegram.add_file("large", JPEG, path="photos/large.jpg")
    sizes = [
        {"file_id": "small", "file_unique_id": "u1", "file_size": 13, "width": 90, "height": 60},
        {
            "file_id": "large",
            "file_unique_id": "u2",
            "file_size": len(JPEG),
            "width": 1280,
            "height": 960,
        },
    ]
    webhook.post(message_update({"photo": sizes, "caption": "bukunya sobek"}))
    message = only_message()
    assert message.text == "bukunya sobek"
    (attachment,) = message.attachments.all()
    assert attachment.content_type == "image/jpeg"
    assert attachment.file.read() == JPEG
    assert fake_telegram.downloads == ["photos/large.jpg"]


def test_a_document_keeps_its_name_and_type(webhook, fake_telegram):
    fake_telegram.add_file("doc1", PDF, path="documents/file_1.pdf")
    document = {
        "file_id": "doc1",
        "file_unique_id": "d1",
        "file_name": "bukti-transfer.pdf",
        "mime_type": "application/pdf",
        "file_size": len(PDF),
    }
    webhook.post(message_update({"document": document}))
    message = only_message()
    assert message.text == "bukti-transfer.pdf"
    (attachment,) = message.attachments.all()
    assert (attachment.filename, attachment.content_type) == (
        "bukti-transfer.pdf",
        "application/pdf",
    )


def test_a_file_over_the_limit_is_not_fetched_and_the_message_says_so(
    webhook, fake_telegram, settings
):
    settings.SAPA_MAX_ATTACHMENT_BYTES = 1000
    fake_telegram.add_file("big", b"x" * 5000)
    document = {
        "file_id": "big",
        "file_unique_id": "b1",
        "file_name": "video.mp4",
        "mime_type": "video/mp4",
        "file_size": 5000,
    }
    webhook.post(message_update({"document": document, "caption": "lihat ini"}))
    message = only_message()
    assert message.text == "lihat ini"
    assert message.attachments.count() == 0
    assert message.meta["refused"][0]["filename"] == "video.mp4"
    assert message.meta["refused"][0]["size"] == 5000
    assert fake_telegram.calls_of("getFile") == []


def test_a_file_bigger_than_it_claimed_is_cut_off_at_the_limit(webhook, fake_telegram, settings):
    settings.SAPA_MAX_ATTACHMENT_BYTES = 1000
    fake_telegram.add_file("liar", b"x" * 5000)
    document = {"file_id": "liar", "file_unique_id": "l1", "file_name": "a.bin", "file_size": 10}
    webhook.post(message_update({"document": document}))
    message = only_message()
    assert message.attachments.count() == 0
    assert message.meta["refused"][0]["filename"] == "a.bin"


def test_a_file_telegram_cannot_give_now_is_tried_again_then_kept_without_it(
    webhook, fake_telegram
):
    fake_telegram.add_file("doc2", PDF)
    fake_telegram.fail_next("getFile", 502, "Bad Gateway")
    document = {"file_id": "doc2", "file_unique_id": "d2", "file_name": "nota.pdf"}
    # when: the first try cannot fetch the file
    webhook.post(message_update({"document": document}))
    # then: nothing is taken in yet, the update waits for another try
    row = TelegramUpdate.objects.get()
    assert (row.status, row.attempts) == (UpdateStatus.RECEIVED, 1)
    assert "Bad Gateway" in row.reason
    assert Message.objects.count() == 0
    # when: the last try fails as well
    TelegramUpdate.objects.filter(pk=row.pk).update(attempts=actions.MAX_ATTEMPTS - 1)
    fake_telegram.fail_next("getFile", 502, "Bad Gateway")
    actions.process_update(row.pk)
    # then: the message is kept, saying which file is missing
    message = only_message()
    assert message.text == "nota.pdf"
    assert message.meta["refused"][0]["filename"] == "nota.pdf"
    assert TelegramUpdate.objects.get().status == UpdateStatus.PROCESSED


def test_sharing_ones_own_contact_links_the_telegram_user_to_their_phone(webhook):
    # given: the customer wrote on WhatsApp before
    earlier = inbound("halo", channel=Channel.WHATSAPP, email=None, phone="0812-3456-7890")
    # when
    contact = {"phone_number": "+6281234567890", "first_name": "Siti", "user_id": USER_ID}
    webhook.post(message_update({"contact": contact}))
    # then
    message = only_message()
    assert message.ticket.customer_id == earlier.customer_id
    kinds = set(
        Identity.objects.filter(customer_id=earlier.customer_id).values_list("kind", "value")
    )
    assert (IdentityKind.TELEGRAM, str(USER_ID)) in kinds
    assert "+6281234567890" in message.text


def test_someone_elses_contact_card_is_only_content(webhook):
    contact = {"phone_number": "081299998888", "first_name": "Adik", "user_id": 55555}
    webhook.post(message_update({"contact": contact}))
    message = only_message()
    assert "081299998888" in message.text
    assert not Identity.objects.filter(kind=IdentityKind.PHONE).exists()
    assert message.meta["contact"]["own"] is False


def test_a_location_becomes_text_with_a_map_link(webhook):
    webhook.post(message_update({"location": {"latitude": -6.2, "longitude": 106.816666}}))
    message = only_message()
    assert "-6.200000, 106.816666" in message.text
    assert "openstreetmap.org" in message.text
    assert message.meta["location"] == {"latitude": -6.2, "longitude": 106.816666}


def test_a_sticker_is_kept_as_an_unsupported_message(webhook):
    sticker = {
        "file_id": "st1",
        "file_unique_id": "s1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
    }
    webhook.post(message_update({"sticker": sticker}))
    message = only_message()
    assert message.meta["unsupported"] == "sticker"
    assert "sticker" in message.text
    assert '"sticker"' in TelegramUpdate.objects.get().raw


def test_an_edit_is_noted_on_the_ticket_without_a_new_message(webhook):
    webhook.post(text_update("pesanan 10045", message_id=42))
    webhook.post(message_update({"text": "pesanan 10046"}, kind="edited_message", message_id=42))
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 1
    note = Message.objects.get(direction=Direction.NOTE)
    assert "pesanan 10046" in note.text
    assert only_message().text == "pesanan 10045"


def test_an_edit_of_an_unknown_message_is_kept_as_ignored(webhook):
    webhook.post(message_update({"text": "x"}, kind="edited_message", message_id=999))
    row = TelegramUpdate.objects.get()
    assert row.status == UpdateStatus.IGNORED
    assert Message.objects.count() == 0

"""Reading updates: the shapes Telegram sends, and what is not a readable update."""

import pytest

from sapa.channels.telegram.parsing import UnreadableUpdate, parse_update
from tests.channels.telegram.conftest import callback_update, message_update, text_update


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"message": {}},
        {"update_id": True},
        {"update_id": 1, "message": "x"},
        {"update_id": 1, "message": {"message_id": 1, "chat": {"id": 5, "type": "private"}}},
    ],
)
def test_what_is_not_an_update_is_unreadable(body):
    with pytest.raises(UnreadableUpdate):
        parse_update(body)


def test_a_text_message():
    parsed = parse_update(text_update("  halo  ", message_id=7))
    assert (parsed.kind, parsed.text, parsed.message_id) == ("message", "halo", 7)
    assert parsed.sender is not None
    assert (parsed.sender.name, parsed.sender.username) == ("Siti Rahma", "sitirahma")
    assert parsed.sent_at is not None


def test_a_venue_is_a_location_with_its_name():
    venue = {
        "location": {"latitude": -6.9, "longitude": 107.6},
        "title": "Gedung Sate",
        "address": "Jl. Diponegoro 22",
    }
    parsed = parse_update(message_update({"location": venue["location"], "venue": venue}))
    assert "Gedung Sate, Jl. Diponegoro 22" in parsed.text
    assert parsed.meta["location"]["place"] == "Gedung Sate, Jl. Diponegoro 22"


def test_a_voice_note_is_a_file():
    voice = {"file_id": "v1", "file_unique_id": "uv1", "duration": 3, "mime_type": "audio/ogg"}
    parsed = parse_update(message_update({"voice": voice}))
    (ref,) = parsed.files
    assert (ref.file_id, ref.filename, ref.content_type) == ("v1", "voice.ogg", "audio/ogg")


def test_an_unknown_kind_of_content_is_named():
    parsed = parse_update(message_update({"some_future_thing": {"x": 1}}))
    assert parsed.unsupported == "some_future_thing"


def test_a_button_without_data_is_ignored_but_answered():
    update = callback_update("x", pressed_on=1, buttons=[])
    del update["callback_query"]["data"]
    parsed = parse_update(update)
    assert parsed.ignore_reason
    assert parsed.callback_query_id


def test_a_button_press_reads_the_label_of_the_pressed_button():
    buttons = [[{"text": "Ya", "callback_data": "yes"}], [{"text": "Tidak", "callback_data": "no"}]]
    parsed = parse_update(callback_update("no", pressed_on=12, buttons=buttons))
    assert (parsed.text, parsed.choice, parsed.reply_to_message_id) == ("Tidak", "no", 12)

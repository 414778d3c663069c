"""After hours the caller leaves a voicemail; its recording callback puts the recording
on the caller's ticket, and the transcript follows when the provider sends one."""

import pytest

from sapa.channels.kinds import Channel
from sapa.channels.voice.models import CallOutcome, CallRecord
from sapa.conversations.models import Message, Ticket
from sapa.core.clock import frozen_at
from tests.channels.voice.helpers import (
    CALLER,
    CLOSED,
    OPEN,
    call_params,
    hook_path,
    make_department,
    make_line,
    new_call_sid,
    post_signed,
    said,
    twiml,
)

pytestmark = pytest.mark.django_db

RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE0123456789"


def test_after_hours_the_caller_gets_voicemail_with_a_transcript(client):
    """Outside the line's hours: no menu, a <Say> and a <Record> that is transcribed."""
    # given
    line = make_line(voicemail_max_seconds=90)
    # when
    with frozen_at(CLOSED):
        root = twiml(post_signed(client, hook_path(line, "incoming"), call_params(new_call_sid())))
    # then
    assert [child.tag for child in root] == ["Say", "Record", "Say", "Hangup"]
    assert root.find("Gather") is None
    record = root.find("Record")
    assert record is not None
    assert record.get("maxLength") == "90"
    assert record.get("transcribe") == "true"
    assert record.get("action", "").endswith(f"/hooks/voice/{line.key}/voicemail")
    assert record.get("transcribeCallback", "").endswith(f"/hooks/voice/{line.key}/transcription")
    assert record.get("recordingStatusCallback", "").endswith(f"/hooks/voice/{line.key}/recording")
    assert root.find("Say").get("language") == "id-ID"  # type: ignore[union-attr]


def test_the_after_hours_message_says_when_the_line_opens_again(client):
    """Monday 21:00 on a mon-fri 08:00-17:00 line: open again Tuesday at 08:00."""
    # given
    line = make_line(language="en-US")
    # when
    with frozen_at(CLOSED):
        root = twiml(post_signed(client, hook_path(line, "incoming"), call_params(new_call_sid())))
    # then
    assert said(root).startswith(
        "Thank you for calling. We are closed now. We are open again on Tuesday at 08:00. "
        "Please leave a message after the tone"
    )


def test_the_recording_callback_puts_the_voicemail_on_a_phone_ticket(client):
    """The recording's link is on the caller's phone ticket; the transcript follows."""
    # given
    line = make_line()
    sid = new_call_sid()
    with frozen_at(CLOSED):
        post_signed(client, hook_path(line, "incoming"), call_params(sid))
        # when
        post_signed(
            client,
            hook_path(line, "recording"),
            call_params(
                sid,
                RecordingStatus="completed",
                RecordingUrl=RECORDING,
                RecordingSid="RE0123456789",
                RecordingDuration="34",
            ),
        )
    # then
    record = CallRecord.objects.get(call_sid=sid)
    ticket = Ticket.objects.get(pk=record.ticket_id)
    message = Message.objects.get(pk=record.message_id)
    assert ticket.origin_channel == Channel.PHONE
    assert ticket.customer.identities.get().value == CALLER
    assert record.outcome == CallOutcome.VOICEMAIL
    assert record.recording_seconds == 34
    assert message.meta["call"]["recording_url"] == RECORDING
    assert RECORDING in message.text
    # when
    post_signed(
        client,
        hook_path(line, "transcription"),
        call_params(
            sid,
            RecordingUrl=RECORDING,
            RecordingSid="RE0123456789",
            TranscriptionStatus="completed",
            TranscriptionText="Halo, paket saya belum sampai, tolong telepon balik.",
        ),
    )
    # then
    message.refresh_from_db()
    assert message.meta["call"]["transcript"] == (
        "Halo, paket saya belum sampai, tolong telepon balik."
    )
    assert "Halo, paket saya belum sampai, tolong telepon balik." in message.text
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_the_record_action_thanks_the_caller_and_keeps_the_recording(client):
    """<Record>'s own action also carries the recording (whichever comes first)."""
    # given
    line = make_line()
    sid = new_call_sid()
    with frozen_at(CLOSED):
        post_signed(client, hook_path(line, "incoming"), call_params(sid))
        # when
        root = twiml(
            post_signed(
                client,
                hook_path(line, "voicemail"),
                call_params(sid, RecordingUrl=RECORDING, RecordingDuration="12", Digits="#"),
            )
        )
        post_signed(
            client,
            hook_path(line, "status"),
            call_params(sid, CallStatus="completed", CallDuration="40"),
        )
    # then
    assert [child.tag for child in root] == ["Say", "Hangup"]
    record = CallRecord.objects.get(call_sid=sid)
    assert record.recording_url == RECORDING
    # The call's end does not turn a voicemail into anything else.
    assert record.outcome == CallOutcome.VOICEMAIL
    assert record.duration_seconds == 40


def test_no_one_answering_in_hours_leads_to_voicemail(client):
    """A department that does not pick up: the call is missed, then voicemail is offered."""
    # given
    desk = make_department("Layanan", phone_number="+622150009999")
    line = make_line(default_department_id=desk.pk)
    sid = new_call_sid()
    with frozen_at(OPEN):
        post_signed(client, hook_path(line, "incoming"), call_params(sid))
        # when
        root = twiml(
            post_signed(
                client, hook_path(line, "connected"), call_params(sid, DialCallStatus="no-answer")
            )
        )
    # then
    assert root.find("Record") is not None
    assert CallRecord.objects.get(call_sid=sid).outcome == CallOutcome.MISSED


def test_a_hidden_number_still_becomes_a_ticket(client):
    """An anonymous caller's voicemail gets a customer of its own for the call."""
    # given
    line = make_line()
    sid = new_call_sid()
    with frozen_at(CLOSED):
        # when
        post_signed(client, hook_path(line, "incoming"), call_params(sid, caller="anonymous"))
    # then
    record = CallRecord.objects.get(call_sid=sid)
    assert record.caller == ""
    ticket = Ticket.objects.get(pk=record.ticket_id)
    assert ticket.origin_channel == Channel.PHONE
    assert ticket.customer.identities.get().value == f"hidden-caller:{sid}"

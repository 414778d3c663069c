"""The webhooks' guards: the provider's signature on every request (a forged or missing
one stores nothing), replayed callbacks change nothing, requests kept as they came, and
well-formed XML whatever the caller or the shop's texts hold."""

import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from sapa.bot.config import ensure_default_menu
from sapa.bot.models import MenuNode
from sapa.channels.voice.models import CallRecord, VoiceWebhook, WebhookStatus
from sapa.channels.voice.signatures import compute_signature
from sapa.channels.voice.twiml import VoiceResponse
from sapa.conversations.models import Message, Ticket
from sapa.core.clock import frozen_at
from sapa.core.models import Event
from tests.channels.voice.helpers import (
    CLOSED,
    OPEN,
    call_params,
    hook_path,
    make_line,
    new_call_sid,
    post_signed,
    said,
    twiml,
)

pytestmark = pytest.mark.django_db


def test_the_signature_follows_the_providers_documented_example():
    """Twilio's published example: URL with query, five parameters, token 12345."""
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    signature = compute_signature(
        "https://mycompany.com/myapp.php?foo=1&bar=2", params.items(), "12345"
    )
    assert signature == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_X_TWILIO_SIGNATURE": "bm90IGEgc2lnbmF0dXJl"},
    ],
    ids=["missing", "forged"],
)
def test_an_unsigned_or_forged_request_is_refused_and_nothing_is_kept(client, headers):
    """403; no call, no ticket, no message, no kept request."""
    # given
    line = make_line()
    # when
    response = client.post(hook_path(line, "incoming"), call_params(new_call_sid()), **headers)
    # then
    assert response.status_code == 403
    assert CallRecord.objects.count() == 0
    assert Ticket.objects.count() == 0
    assert Message.objects.count() == 0
    assert VoiceWebhook.objects.count() == 0


def test_a_request_signed_with_another_token_or_changed_after_signing_is_refused(client):
    """Another account's token, or a Digits value swapped in transit: 403."""
    # given
    line = make_line()
    sid = new_call_sid()
    path = hook_path(line, "recording")
    params = call_params(sid, RecordingUrl="https://api.twilio.com/r/RE1", RecordingSid="RE1")
    signature = compute_signature(settings.SAPA_BASE_URL + path, params.items(), "0" * 32)
    good = compute_signature(settings.SAPA_BASE_URL + path, params.items(), line.auth_token)
    tampered = {**params, "RecordingUrl": "https://evil.example/r"}
    # when
    other_token = client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)
    changed = client.post(path, tampered, HTTP_X_TWILIO_SIGNATURE=good)
    # then
    assert other_token.status_code == 403
    assert changed.status_code == 403
    assert CallRecord.objects.count() == 0


def test_an_unknown_line_is_404_and_only_post_is_answered(client):
    line = make_line()
    assert client.post("/hooks/voice/vl_unknown/incoming", {}).status_code == 404
    assert client.get(hook_path(line, "incoming")).status_code == 405


def test_replayed_requests_and_callbacks_change_nothing(client):
    """The same incoming call, recording, transcript and status twice: one call, one
    ticket, one message, one event of each kind."""
    # given
    line = make_line()
    sid = new_call_sid()
    recording = call_params(
        sid,
        RecordingStatus="completed",
        RecordingUrl="https://api.twilio.com/r/RE9",
        RecordingSid="RE9",
        RecordingDuration="20",
    )
    transcript = call_params(
        sid,
        RecordingUrl="https://api.twilio.com/r/RE9",
        TranscriptionStatus="completed",
        TranscriptionText="Tolong telepon balik.",
    )
    ended = call_params(sid, CallStatus="completed", CallDuration="61")
    # when
    with frozen_at(CLOSED):
        for _ in range(2):
            post_signed(client, hook_path(line, "incoming"), call_params(sid))
            post_signed(client, hook_path(line, "recording"), recording)
            post_signed(client, hook_path(line, "transcription"), transcript)
            post_signed(client, hook_path(line, "status"), ended)
    # then
    assert CallRecord.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert Message.objects.count() == 1
    record = CallRecord.objects.get()
    verbs = list(
        Event.objects.filter(subject_type="callrecord", subject_id=record.pk)
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["call.started", "call.voicemail", "call.transcribed", "call.ended"]
    assert VoiceWebhook.objects.filter(status=WebhookStatus.PROCESSED).count() == 8


def test_a_request_without_a_call_id_is_kept_as_failed(client):
    """Kept with its reason, answered 400."""
    # given
    line = make_line()
    params = {"From": "+6281234567890", "To": "+622150001234"}
    # when
    response = post_signed(client, hook_path(line, "incoming"), params)
    # then
    assert response.status_code == 400
    kept = VoiceWebhook.objects.get()
    assert kept.status == WebhookStatus.FAILED
    assert kept.reason == "no CallSid"
    assert kept.payload["From"] == "+6281234567890"


def test_the_shops_texts_and_the_callers_input_are_escaped(client):
    """A greeting and a label with XML's special characters (and a control character)
    are said as written; a caller's odd From and Digits leave the XML well-formed."""
    # given
    line = make_line(greeting='Selamat datang di <Toko> "Buku" & Alat\x07 Tulis')
    root_node = ensure_default_menu("phone")
    MenuNode.objects.filter(parent=root_node, key="3").update(label="Retur & </Say><Hangup/>")
    sid = new_call_sid()
    odd = call_params(sid, caller='"><Hangup/>')
    # when
    with frozen_at(OPEN):
        first = twiml(post_signed(client, hook_path(line, "incoming"), odd))
        second = twiml(
            post_signed(client, hook_path(line, "menu", root_node.pk), {**odd, "Digits": "<x>&"})
        )
    # then
    assert said(first).startswith('Selamat datang di <Toko> "Buku" & Alat Tulis')
    assert "Press 3 for retur & </Say><Hangup/>." in said(first) or (
        "retur & </Say><Hangup/>" in said(first)
    )
    assert first.find("Hangup") is None
    assert second.find("Gather") is not None
    assert CallRecord.objects.get(call_sid=sid).caller == ""


def test_the_builder_escapes_text_and_attributes():
    response = VoiceResponse()
    response.say('a < b & "c"', language="id-ID")
    response.redirect("https://x.example/?a=1&b=2")
    body = response.to_bytes()
    assert b'a &lt; b &amp; "c"' in body
    assert b"?a=1&amp;b=2" in body
    root = ET.fromstring(body)  # noqa: S314 - the builder's own output
    assert [child.text for child in root] == ['a < b & "c"', "https://x.example/?a=1&b=2"]

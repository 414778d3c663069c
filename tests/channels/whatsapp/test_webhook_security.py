"""The webhook's door: the set-up handshake, signatures, size, malformed bodies and Meta's
retries. A refused request keeps nothing; a signed one is always kept."""

import json

import pytest
from django.test import Client, override_settings

from sapa.channels.whatsapp.models import DeliveryStatus, WhatsAppWebhookDelivery
from sapa.conversations.models import Message
from tests.channels.whatsapp.payloads import VERIFY_TOKEN, envelope, signature, text

pytestmark = pytest.mark.django_db


def test_the_handshake_answers_the_challenge_for_a_known_verify_token(account):
    response = Client().get(
        "/hooks/whatsapp/",
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"1158201444"


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
    ],
)
def test_the_handshake_is_refused_without_subscribe_and_a_known_token(account, query):
    response = Client().get("/hooks/whatsapp/", query)
    assert response.status_code == 403
    assert b"1" not in response.content


def test_an_inactive_accounts_verify_token_is_refused(account):
    account.is_active = False
    account.save()
    response = Client().get(
        "/hooks/whatsapp/",
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "7"},
    )
    assert response.status_code == 403


def test_a_forged_signature_is_refused_and_nothing_is_kept(deliver):
    response = deliver(envelope(messages=[text("halo")]), secret="someone-elses-secret")
    assert response.status_code == 401
    assert response.json()["code"] == "signature_invalid"
    assert WhatsAppWebhookDelivery.objects.count() == 0
    assert Message.objects.count() == 0


def test_a_missing_signature_is_refused_and_nothing_is_kept(deliver):
    response = deliver(envelope(messages=[text("halo")]), secret=None)
    assert response.status_code == 401
    assert response.json()["code"] == "signature_missing"
    assert WhatsAppWebhookDelivery.objects.count() == 0


def test_a_signature_over_other_bytes_is_refused(account):
    """The signature covers the exact bytes: re-serialised JSON does not verify."""
    body = json.dumps(envelope(messages=[text("halo")])).encode()
    signed = signature(body)
    response = Client().generic(
        "POST",
        "/hooks/whatsapp/",
        body.replace(b'"halo"', b'"HALO"'),
        content_type="application/json",
        headers={"X-Hub-Signature-256": signed},
    )
    assert response.status_code == 401
    assert WhatsAppWebhookDelivery.objects.count() == 0


@override_settings(SAPA_WHATSAPP_MAX_WEBHOOK_BYTES=2048)
def test_a_body_over_the_limit_is_refused_with_413(deliver):
    response = deliver(envelope(messages=[text("x" * 4000)]))
    assert response.status_code == 413
    assert WhatsAppWebhookDelivery.objects.count() == 0


def test_a_signed_body_that_is_not_json_is_kept_quarantined_with_400(deliver):
    response = deliver(None, raw=b'{"object": "whatsapp_business_account", "entry": [')
    assert response.status_code == 400
    kept = WhatsAppWebhookDelivery.objects.get()
    assert kept.status == DeliveryStatus.QUARANTINED
    assert kept.reason.startswith("not JSON")
    assert bytes(kept.body) == b'{"object": "whatsapp_business_account", "entry": ['
    assert Message.objects.count() == 0


def test_json_that_is_not_a_whatsapp_webhook_is_quarantined(deliver):
    response = deliver({"hello": "world"})
    assert response.status_code == 200
    kept = WhatsAppWebhookDelivery.objects.get()
    assert kept.status == DeliveryStatus.QUARANTINED
    assert "whatsapp_business_account" in kept.reason


def test_a_replayed_delivery_is_kept_once_and_stores_one_message(deliver):
    payload = envelope(messages=[text("halo kak")])
    first = deliver(payload)
    again = deliver(payload)
    assert (first.status_code, first.json()["code"]) == (200, "received")
    assert (again.status_code, again.json()["code"]) == (200, "duplicate")
    assert WhatsAppWebhookDelivery.objects.count() == 1
    assert Message.objects.count() == 1


def test_the_same_message_in_another_delivery_is_stored_once(deliver):
    """Meta may resend a message inside a different delivery (other bytes, same wamid)."""
    message = text("halo kak")
    deliver(envelope(messages=[message]))
    response = deliver(envelope(messages=[message], name="Rina K."))
    assert response.status_code == 200
    assert WhatsAppWebhookDelivery.objects.count() == 2
    assert Message.objects.count() == 1
    second = WhatsAppWebhookDelivery.objects.order_by("pk").last()
    assert second.status == DeliveryStatus.PROCESSED
    assert second.messages_taken == 0


def test_a_message_for_an_unknown_number_is_quarantined_with_the_reason(deliver):
    response = deliver(envelope(messages=[text("halo")], phone_number_id="999999999999"))
    assert response.status_code == 200
    kept = WhatsAppWebhookDelivery.objects.get()
    assert kept.status == DeliveryStatus.QUARANTINED
    assert "999999999999" in kept.reason
    assert Message.objects.count() == 0


def test_other_fields_are_kept_and_ignored(deliver):
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "1",
                "changes": [
                    {"field": "phone_number_quality_update", "value": {"event": "FLAGGED"}}
                ],
            }
        ],
    }
    assert deliver(payload).status_code == 200
    kept = WhatsAppWebhookDelivery.objects.get()
    assert kept.status == DeliveryStatus.IGNORED
    assert "phone_number_quality_update" in kept.reason


def test_get_and_post_are_the_only_methods(account):
    assert Client().put("/hooks/whatsapp/").status_code == 405

"""Status updates of the messages we sent: they move a message forward (sent → delivered →
read, or failed), never backwards, whatever order Meta's deliveries arrive in."""

import pytest
from django.utils import translation

from sapa.channels.kinds import Channel
from sapa.channels.whatsapp.models import DeliveryStatus as KeptStatus
from sapa.channels.whatsapp.models import WhatsAppWebhookDelivery
from sapa.conversations.actions import reply
from sapa.conversations.actions.delivery import record_provider_status
from sapa.conversations.models import DeliveryStatus, Message, Ticket
from sapa.core.actors import Actor
from sapa.core.models import Event
from tests.channels.whatsapp.payloads import TIMESTAMP, envelope, status, text
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(deliver, django_capture_on_commit_callbacks) -> Message:
    """An agent's reply that WhatsApp took (it has its wamid)."""
    deliver(envelope(messages=[text("halo, pesanan saya?")]))
    agent = AgentFactory(username="ani")
    with django_capture_on_commit_callbacks(execute=True):
        message = reply(
            Ticket.objects.get(), text="Sedang kami cek ya kak", actor=Actor.for_agent(agent)
        )
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT
    assert message.external_id.startswith("wamid.OUT")
    return message


def statuses(message: Message, *states: str, **kwargs) -> list[dict]:
    return [status(message.external_id, state, **kwargs) for state in states]


def test_delivered_then_read_moves_the_message_forward(deliver, sent):
    deliver(envelope(statuses=statuses(sent, "sent", "delivered")))
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.DELIVERED
    assert sent.meta["provider_status"]["status"] == "delivered"
    deliver(envelope(statuses=statuses(sent, "read", timestamp=TIMESTAMP + 60)))
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.DELIVERED
    assert sent.meta["provider_status"]["status"] == "read"
    assert set(sent.meta["provider_status"]) == {"status", "sent_at", "delivered_at", "read_at"}
    verbs = list(
        Event.objects.filter(subject_id=sent.pk, subject_type="message").values_list(
            "verb", flat=True
        )
    )
    assert "message.delivered" in verbs
    assert "message.read" in verbs


def test_out_of_order_statuses_never_move_backwards(deliver, sent):
    deliver(envelope(statuses=statuses(sent, "read")))
    deliver(envelope(statuses=statuses(sent, "delivered", timestamp=TIMESTAMP - 5)))
    deliver(envelope(statuses=statuses(sent, "sent", timestamp=TIMESTAMP - 10)))
    sent.refresh_from_db()
    assert sent.meta["provider_status"]["status"] == "read"
    assert sent.delivery_status == DeliveryStatus.DELIVERED
    kept = WhatsAppWebhookDelivery.objects.filter(statuses_taken=1)
    assert kept.count() == 3


def test_the_same_status_twice_changes_nothing_the_second_time(deliver, sent):
    deliver(envelope(statuses=statuses(sent, "delivered")))
    deliver(envelope(statuses=statuses(sent, "delivered") + statuses(sent, "delivered")))
    events = Event.objects.filter(subject_id=sent.pk, verb="message.delivered")
    assert events.count() == 1


def test_a_failure_after_sent_fails_the_message_with_a_clear_reason(deliver, sent):
    errors = [
        {
            "code": 131047,
            "title": "Re-engagement message",
            "message": "Re-engagement message",
            "error_data": {
                "details": "Message failed to send because more than 24 hours have passed."
            },
        }
    ]
    deliver(envelope(statuses=statuses(sent, "failed", errors=errors)))
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.FAILED
    assert sent.delivery_error.startswith("More than 24 hours have passed")
    assert "template" in sent.delivery_error
    assert "131047" in sent.delivery_error
    assert Event.objects.filter(subject_id=sent.pk, verb="message.delivery_failed").exists()


def test_a_late_failure_does_not_undo_delivered(deliver, sent):
    deliver(envelope(statuses=statuses(sent, "delivered")))
    errors = [{"code": 131026, "title": "Message undeliverable"}]
    deliver(envelope(statuses=statuses(sent, "failed", errors=errors)))
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.DELIVERED
    assert sent.delivery_error == ""


def test_a_status_for_a_message_not_recorded_yet_waits_then_gives_up(deliver, account):
    deliver(envelope(statuses=[status("wamid.NOT-OURS", "delivered")]))
    kept = WhatsAppWebhookDelivery.objects.get()
    assert kept.status == KeptStatus.RECEIVED
    from sapa.channels.whatsapp.tasks import process_delivery_task

    with translation.override("en"):
        for _attempt in range(3):
            process_delivery_task.call_local(kept.pk)
    kept.refresh_from_db()
    assert kept.status == KeptStatus.IGNORED
    assert "1 status updates for messages Sapa did not send" in kept.reason


def test_record_provider_status_refuses_unknown_statuses_and_finds_only_outbound(sent):
    with pytest.raises(ValueError, match="unknown provider status"):
        record_provider_status(
            Channel.WHATSAPP, sent.external_id, status="seen", at=sent.created_at
        )
    inbound = Message.objects.get(direction="inbound")
    assert (
        record_provider_status(
            Channel.WHATSAPP, inbound.external_id, status="read", at=sent.created_at
        )
        is None
    )

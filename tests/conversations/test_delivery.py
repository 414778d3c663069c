"""Outbound delivery: the outbox, retries with backoff, failures recorded, nothing lost."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sapa.channels.base import Capabilities
from sapa.channels.messages import DeliveryResult, OutboundMessage
from sapa.channels.registry import get_adapter, register_adapter
from sapa.conversations.actions import reply
from sapa.conversations.actions.delivery import backoff
from sapa.conversations.models import Message, OutboxItem, Ticket
from sapa.conversations.tasks import deliver_outbox_item, sweep_outbox
from sapa.core.actors import Actor
from sapa.core.models import Event
from tests.builders import inbound
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


class ScriptedProvider:
    """A provider that answers each delivery with the next scripted result."""

    capabilities = Capabilities(supports_html=True)

    def __init__(self, *results: DeliveryResult | Exception) -> None:
        self.results = list(results)
        self.delivered: list[OutboundMessage] = []

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        self.delivered.append(message)
        result = self.results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result


@pytest.fixture
def email_provider():
    original = get_adapter("email")
    holder: dict[str, ScriptedProvider] = {}

    def install(*results: DeliveryResult | Exception) -> ScriptedProvider:
        holder["provider"] = ScriptedProvider(*results)
        register_adapter("email", holder["provider"])
        return holder["provider"]

    yield install
    register_adapter("email", original)


def _reply(text: str = "Baik Kak, kami cek dulu ya.") -> Message:
    result = inbound("paket blm sampe")
    ticket = Ticket.objects.get(pk=result.ticket_id)
    return reply(ticket, text=text, actor=Actor.for_agent(AgentFactory()))


def test_reply_writes_message_and_outbox_in_one_go(django_capture_on_commit_callbacks):
    """The message and its outbox item are written together; delivery waits for commit."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = _reply()
    assert message.delivery_status == "queued"
    item = OutboxItem.objects.get(message=message)
    assert (item.status, item.attempts) == ("pending", 0)
    for callback in callbacks:  # the commit
        callback()
    item.refresh_from_db()
    assert (item.status, item.attempts) == ("done", 1)


def test_temporary_failure_is_retried_with_backoff_then_sent(email_provider):
    provider = email_provider(
        DeliveryResult(ok=False, error="421 try later", temporary=True),
        DeliveryResult(ok=True, external_id="<out-1@sapa>"),
    )
    message = _reply()
    item = OutboxItem.objects.get(message=message)

    deliver_outbox_item.call_local(item.pk)
    item.refresh_from_db()
    message.refresh_from_db()
    assert (item.status, item.attempts, item.last_error) == ("pending", 1, "421 try later")
    assert message.delivery_status == "queued"
    assert item.next_attempt_at > timezone.now() + timedelta(seconds=20)

    # not due yet: a second task run does nothing
    deliver_outbox_item.call_local(item.pk)
    assert len(provider.delivered) == 1

    OutboxItem.objects.filter(pk=item.pk).update(next_attempt_at=timezone.now())
    deliver_outbox_item.call_local(item.pk)
    message.refresh_from_db()
    item.refresh_from_db()
    assert (item.status, item.attempts) == ("done", 2)
    assert (message.delivery_status, message.external_id) == ("sent", "<out-1@sapa>")
    assert provider.delivered[0].to_address == "budi@example.com"
    assert Event.objects.filter(verb="message.sent", subject_id=message.pk).count() == 1


def test_permanent_failure_marks_the_message_failed(email_provider):
    email_provider(DeliveryResult(ok=False, error="550 mailbox unavailable"))
    message = _reply()
    deliver_outbox_item.call_local(OutboxItem.objects.get(message=message).pk)
    message.refresh_from_db()
    assert message.delivery_status == "failed"
    assert message.delivery_error == "550 mailbox unavailable"
    assert Event.objects.filter(verb="message.delivery_failed").count() == 1


def test_adapter_crash_is_a_temporary_failure(email_provider):
    email_provider(ConnectionError("smtp down"))
    message = _reply()
    item = OutboxItem.objects.get(message=message)
    deliver_outbox_item.call_local(item.pk)
    item.refresh_from_db()
    assert item.status == "pending"
    assert "ConnectionError: smtp down" in item.last_error


def test_gives_up_after_max_attempts(email_provider, settings):
    settings.SAPA_DELIVERY_MAX_ATTEMPTS = 2
    email_provider(*[DeliveryResult(ok=False, error="timeout", temporary=True)] * 2)
    message = _reply()
    item = OutboxItem.objects.get(message=message)
    for _attempt in range(2):
        OutboxItem.objects.filter(pk=item.pk).update(next_attempt_at=timezone.now())
        deliver_outbox_item.call_local(item.pk)
    message.refresh_from_db()
    assert message.delivery_status == "failed"
    assert OutboxItem.objects.get(pk=item.pk).status == "failed"


def test_backoff_grows_and_is_capped(settings):
    settings.SAPA_DELIVERY_BACKOFF_SECONDS = 30
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(20).total_seconds() == 3600


def test_sweep_delivers_items_whose_task_was_lost_and_releases_stalled(email_provider):
    provider = email_provider(
        DeliveryResult(ok=True, external_id="a"), DeliveryResult(ok=True, external_id="b")
    )
    lost = _reply("satu")
    stalled = _reply("dua")
    long_ago = timezone.now() - timedelta(hours=1)
    OutboxItem.objects.filter(message=lost).update(next_attempt_at=long_ago)
    OutboxItem.objects.filter(message=stalled).update(
        status="sending", claimed_at=long_ago, next_attempt_at=long_ago
    )
    sweep_outbox.call_local()
    assert sorted(m.text for m in provider.delivered) == ["dua", "satu"]
    assert set(
        Message.objects.filter(direction="outbound").values_list("delivery_status", flat=True)
    ) == {"sent"}


def test_a_claimed_item_is_not_sent_twice(email_provider):
    provider = email_provider(DeliveryResult(ok=True, external_id="x"))
    message = _reply()
    item = OutboxItem.objects.get(message=message)
    deliver_outbox_item.call_local(item.pk)
    deliver_outbox_item.call_local(item.pk)
    assert len(provider.delivered) == 1

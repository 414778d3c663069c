"""What engagement does when events are committed (see sapa.core.event_dispatch):

- message.received: a customer who writes only "STOP" / "berhenti" (or "unsubscribe") on a
  chat-like channel has said no to promotions there; it is recorded at once, and the
  message stays in the ticket for the agent to see.
- customer.merged_away: a "no" of the merged customer carries over to the one they were
  merged into (nobody starts getting promotions again because two records became one).
Both are idempotent.
"""

from sapa.channels.kinds import Channel
from sapa.conversations.models import Message
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.customers.models import Customer
from sapa.engagement.consent import set_consent
from sapa.engagement.models import Consent, Purpose

INTERESTED_IN: tuple[str, ...] = ("message.received", "customer.merged_away")

STOP_WORDS = frozenset({"stop", "berhenti", "unsubscribe", "unsub", "stop promo"})
# Email has its links and headers; a "stop" there is more likely a sentence in a thread.
KEYWORD_CHANNELS = frozenset({Channel.WHATSAPP, Channel.TELEGRAM, Channel.CHAT})


def on_events(events: list[Event]) -> None:
    for event in events:
        if event.verb == "message.received":
            _maybe_stop(event)
        elif event.verb == "customer.merged_away":
            into_id = event.after.get("into_id")
            if isinstance(into_id, int):
                _carry_refusals(event.subject_id, into_id)


def is_stop_word(text: str) -> bool:
    return " ".join(text.lower().replace("!", " ").replace(".", " ").split()) in STOP_WORDS


def _maybe_stop(event: Event) -> None:
    message_id = event.after.get("message_id")
    if event.after.get("channel") not in KEYWORD_CHANNELS or not isinstance(message_id, int):
        return
    message = Message.objects.select_related("ticket__customer").filter(pk=message_id).first()
    if message is None or len(message.text) > 40 or not is_stop_word(message.text):
        return
    set_consent(
        message.ticket.customer,
        channel=message.channel,
        purpose=Purpose.MARKETING,
        granted=False,
        source="keyword",
        actor=Actor.customer("keyword"),
    )


def _carry_refusals(from_id: int, into_id: int) -> None:
    into = Customer.objects.filter(pk=into_id).first()
    if into is None:
        return
    refused = Consent.objects.filter(customer_id=from_id, granted=False)
    for consent in refused:
        set_consent(
            into,
            channel=consent.channel,
            purpose=consent.purpose,
            granted=False,
            source=f"merge:{from_id}",
            actor=Actor.automation("merge"),
        )

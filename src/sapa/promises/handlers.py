"""What the promises domain does when events are committed (see sapa.core.event_dispatch):
when two customers become one, the merged one's promises follow their tickets to the
surviving customer, so the customer panel still lists them. Idempotent; the minute sweep
(sapa.promises.timers) repairs what a lost event missed."""

from sapa.core.models import Event
from sapa.promises.actions import move_to_customer

INTERESTED_IN: tuple[str, ...] = ("customer.merged_away",)


def on_events(events: list[Event]) -> None:
    for event in events:
        into_id = event.after.get("into_id")
        if event.verb == "customer.merged_away" and isinstance(into_id, int):
            move_to_customer(from_customer_id=event.subject_id, into_customer_id=into_id)

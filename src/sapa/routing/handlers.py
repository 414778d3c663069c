"""What routing does when events are committed (see sapa.core.event_dispatch)."""

from sapa.core.models import Event

INTERESTED_IN: tuple[str, ...] = ("ticket.", "agent.")


def on_events(events: list[Event]) -> None:
    """Filled in with the assignment engine."""

"""What this domain does when events are committed (see sapa.core.event_dispatch)."""

from sapa.core.models import Event

INTERESTED_IN: tuple[str, ...] = ()


def on_events(events: list[Event]) -> None:
    """Placeholder until the domain is built."""

"""What the SLA domain does when events are committed (see sapa.core.event_dispatch).

- ticket.created: first-response and resolution clocks start;
- message.replied by a person (an agent, or an integration acting for one): the response
  clocks stop; the bot's, the system's and automations' replies do not count;
- message.received (not an automatic reply): a next-response clock starts once the ticket
  had its first response;
- ticket.status_changed / ticket.reopened: pending and on hold pause, solved and closed
  stop, open resumes;
- ticket.priority_changed: the clocks take the new priority's targets.
Every reaction is idempotent (sapa.sla.actions.clocks).
"""

from sapa.conversations.models import Message, Ticket
from sapa.core.models import ActorKind, Event
from sapa.sla import actions

INTERESTED_IN: tuple[str, ...] = ("ticket.", "message.received", "message.replied")

# Replies by these count as a response to the customer.
PEOPLE = (ActorKind.AGENT, ActorKind.INTEGRATION)


HANDLED = frozenset(
    {
        "ticket.created",
        "message.replied",
        "message.received",
        "ticket.status_changed",
        "ticket.reopened",
        "ticket.priority_changed",
    }
)


def on_events(events: list[Event]) -> None:
    for event in events:
        if event.subject_type != "ticket" or event.verb not in HANDLED:
            continue
        ticket = Ticket.objects.select_related("customer").filter(pk=event.subject_id).first()
        if ticket is not None:
            _apply(event, ticket)


def _apply(event: Event, ticket: Ticket) -> None:
    verb = event.verb
    if verb == "ticket.created":
        actions.start_clocks(ticket, at=event.at)
    elif verb == "message.replied":
        if event.actor_kind in PEOPLE:
            actions.record_response(ticket, at=event.at)
    elif verb == "message.received":
        if not _is_automatic(event.after.get("message_id")):
            actions.start_next_response(ticket, at=event.at)
    elif verb in ("ticket.status_changed", "ticket.reopened"):
        status = event.after.get("status")
        if isinstance(status, str):
            actions.follow_status(ticket, status=status, at=event.at)
    elif verb == "ticket.priority_changed":
        actions.retarget_clocks(ticket, at=event.at)


def _is_automatic(message_id: object) -> bool:
    if not isinstance(message_id, int):
        return False
    return Message.objects.filter(pk=message_id).exclude(auto_reply="").exists()

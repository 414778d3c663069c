"""A ticket's conversation as one timeline: messages and notes, with its events (assigned,
status changed, merged, tagged) between them in compact form. Oldest first."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from sapa.accounts.models import Agent, Team
from sapa.automations.describe import TIMELINE_VERBS as AUTOMATION_VERBS
from sapa.automations.describe import describe_automation_event
from sapa.conversations.models import Message, Priority, Ticket, TicketStatus
from sapa.conversations.queries import message_page
from sapa.core.cursors import decode_cursor
from sapa.core.models import Event
from sapa.promises.describe import TIMELINE_VERBS as PROMISE_VERBS
from sapa.promises.describe import describe_promise_event
from sapa.sla.describe import TIMELINE_VERBS as SLA_VERBS
from sapa.sla.describe import describe_sla_event

# Events shown in the timeline; others (message.received, ...) duplicate the messages.
SHOWN_VERBS = (
    "ticket.created",
    "ticket.assigned",
    "ticket.status_changed",
    "ticket.reopened",
    "ticket.priority_changed",
    "ticket.team_changed",
    "ticket.tagged",
    *PROMISE_VERBS,
    *AUTOMATION_VERBS,
    *SLA_VERBS,
)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    message: Message | None = None
    event_text: str = ""
    event_actor: str = ""


def _status(value: Any) -> str:
    return str(dict(TicketStatus.choices).get(value, value))


def _describe(event: Event, agents: dict[int, str], teams: dict[int, str]) -> str:
    before, after = event.before, event.after
    verb = event.verb
    if verb.startswith("promise."):
        return describe_promise_event(event)
    if verb in AUTOMATION_VERBS:
        return describe_automation_event(event)
    if verb in SLA_VERBS:
        return describe_sla_event(event)
    if verb == "ticket.created":
        return _("Ticket created")
    if verb == "ticket.assigned":
        assignee = after.get("assignee_id")
        if assignee is None:
            return _("Unassigned")
        return _("Assigned to %(name)s") % {"name": agents.get(assignee, "?")}
    if verb in ("ticket.status_changed", "ticket.reopened"):
        return _("Status: %(before)s → %(after)s") % {
            "before": _status(before.get("status")),
            "after": _status(after.get("status")),
        }
    if verb == "ticket.priority_changed":
        labels = dict(Priority.choices)
        return _("Priority: %(before)s → %(after)s") % {
            "before": labels.get(before.get("priority"), ""),
            "after": labels.get(after.get("priority"), ""),
        }
    if verb == "ticket.team_changed":
        team = after.get("team_id")
        if team is None:
            return _("Removed from its team")
        return _("Moved to team %(team)s") % {"team": teams.get(team, "?")}
    tags = ", ".join(after.get("tags", [])) or "—"
    return _("Tags: %(tags)s") % {"tags": tags}


# Messages per page of the timeline: the latest page shows first, earlier ones on request.
TIMELINE_PAGE = 50


def ticket_timeline(
    ticket: Ticket, *, before: str | None = None, limit: int = TIMELINE_PAGE
) -> tuple[list[TimelineEntry], str | None]:
    """`limit` messages before the cursor (the latest ones without it) with the events of
    the same period, oldest first, and the cursor of the page before. A fixed number of
    queries. Raises InvalidInput for a malformed cursor."""
    messages, earlier = message_page(ticket, before=before, limit=limit)
    events = Event.objects.filter(
        subject_type="ticket", subject_id=ticket.pk, verb__in=SHOWN_VERBS
    ).order_by("at", "pk")
    if earlier and messages:
        events = events.filter(at__gte=messages[0].created_at)
    if before:
        until, _message_id = decode_cursor(before, shape=(datetime, int))
        events = events.filter(at__lt=until)
    event_list = list(events.select_related("actor_agent")[:500])
    agent_ids = {e.after.get("assignee_id") for e in event_list} - {None}
    team_ids = {e.after.get("team_id") for e in event_list} - {None}
    agents = {a.pk: a.display_name for a in Agent.objects.filter(pk__in=agent_ids)}
    teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
    entries = [TimelineEntry(at=m.created_at, message=m) for m in messages]
    entries += [
        TimelineEntry(
            at=e.at,
            event_text=_describe(e, agents, teams),
            event_actor=e.actor_agent.display_name if e.actor_agent else e.actor_label,
        )
        for e in event_list
    ]
    entries.sort(key=lambda entry: (entry.at, entry.message is not None))
    return entries, earlier

"""What routing does when events are committed (see sapa.core.event_dispatch).

- ticket.created / ticket.reopened: routing rules, then assignment.
- other ticket changes by people or the bot (team changed, tagged, status back to open,
  unassigned): try to assign the ticket if it waits; a manual assignment makes routing step
  aside; a ticket leaving "waiting on us" frees room, so the team's queue is tried.
- agent.presence_changed / agent.updated / agent.skills_changed: an agent who comes online
  (or gets room or skills) takes waiting tickets; one who goes offline or is deactivated
  hands theirs back.
Routing's own changes (actor "routing") are ignored here, so it never reacts to itself.
"""

from sapa.accounts.models import Agent, Presence
from sapa.conversations.models import Ticket
from sapa.core.models import Event
from sapa.routing.actions import (
    assign_if_possible,
    assign_waiting,
    is_routing_actor,
    note_manual_assignment,
    release_tickets_of,
    route_ticket,
)
from sapa.routing.queries import LOAD_STATUSES

INTERESTED_IN: tuple[str, ...] = ("ticket.", "agent.")

ROUTE_VERBS = ("ticket.created", "ticket.reopened")
RETRY_VERBS = ("ticket.team_changed", "ticket.tagged", "ticket.priority_changed")


def on_events(events: list[Event]) -> None:
    drain_teams: set[int] = set()
    for event in events:
        if is_routing_actor(event.actor_label) and event.actor_kind == "automation":
            continue
        if event.subject_type == "ticket":
            drain_teams |= _on_ticket_event(event)
        elif event.subject_type == "agent":
            drain_teams |= _on_agent_event(event)
    if drain_teams:
        assign_waiting(sorted(drain_teams))


def _on_ticket_event(event: Event) -> set[int]:
    ticket_id = event.subject_id
    if event.verb in ROUTE_VERBS:
        route_ticket(ticket_id, event_id=event.pk, event_verb=event.verb)
    elif event.verb == "ticket.assigned":
        note_manual_assignment(
            ticket_id, agent_id=event.after.get("assignee_id"), by=event.actor_label
        )
        return _teams_of_agent(event.before.get("assignee_id"))
    elif event.verb in RETRY_VERBS:
        assign_if_possible(ticket_id)
    elif event.verb == "ticket.status_changed":
        before, after = event.before.get("status"), event.after.get("status")
        if after in LOAD_STATUSES and before not in LOAD_STATUSES:
            assign_if_possible(ticket_id)
        elif before in LOAD_STATUSES and after not in LOAD_STATUSES:
            assignee = Ticket.objects.filter(pk=ticket_id).values_list("assignee_id", flat=True)
            return _teams_of_agent(assignee.first())
    return set()


def _on_agent_event(event: Event) -> set[int]:
    agent = Agent.objects.filter(pk=event.subject_id).first()
    if agent is None:
        return set()
    if event.verb == "agent.presence_changed":
        if event.after.get("presence") == Presence.OFFLINE:
            release_tickets_of(agent)
            return set()
        if event.after.get("presence") == Presence.ONLINE:
            return _teams_of_agent(agent.pk)
    elif event.verb == "agent.updated":
        if event.after.get("is_active") is False:
            release_tickets_of(agent)
            return set()
        return _teams_of_agent(agent.pk)
    elif event.verb == "agent.skills_changed":
        return _teams_of_agent(agent.pk)
    return set()


def _teams_of_agent(agent_id: int | None) -> set[int]:
    if agent_id is None:
        return set()
    return set(
        Agent.teams.through.objects.filter(agent_id=agent_id).values_list("team_id", flat=True)
    )

"""Routing's changes: route a new or re-opened ticket, assign waiting tickets, hand back
the tickets of an agent who left, overflow to another team, and the team's settings.

Race-freedom. Assignment runs in the worker, possibly in several workers at once. Each
attempt is one transaction that locks, in this order: the ticket (after its customer, see
conversations.actions.locking), for round-robin teams the team's TeamRouting row (whose
turn it is is read and moved by one decision at a time), then the chosen agent's row,
under which the agent's load is counted again: two decisions may pick the same agent at
once, and the second then sees the first's ticket. A ticket is only assigned while
unassigned under its lock, so it is never assigned twice, and an agent never passes their
capacity. Least-loaded and skills decisions of one team run side by side.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sapa.accounts.models import Agent, Presence, Team
from sapa.accounts.permissions import Permission, require
from sapa.automations.routing_rules import RoutingDecision, apply_routing_rules
from sapa.bot.models import BotConversation
from sapa.conversations.actions import Change, TicketChanges, change_ticket
from sapa.conversations.actions.locking import lock_ticket
from sapa.conversations.models import Ticket
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.routing.models import AssignmentPolicy, RoutingState, TeamRouting, TicketRouting
from sapa.routing.queries import (
    LOAD_STATUSES,
    Candidate,
    agent_load,
    candidates,
    capacity_for,
    waiting_ticket_ids,
)

logger = logging.getLogger(__name__)

ROUTING = Actor.automation("routing")
# Give up draining a queue after this many tickets in a row found nobody with room.
DRAIN_MISSES = 20


def is_routing_actor(label: str) -> bool:
    return label == ROUTING.label or label.startswith("routing:")


def route_ticket(ticket_id: int, *, event_id: int, event_verb: str) -> TicketRouting | None:
    """Apply routing rules to a new or re-opened ticket, then try to assign it.

    Idempotent on `event_id`: the same event routes once. Returns the routing state, or
    None when the ticket is gone.
    """
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return None
    routing = TicketRouting.objects.filter(ticket_id=ticket_id).first()
    if routing is not None and (routing.routed_event_id or 0) >= event_id:
        return routing
    # Rules and assignment in one transaction: one commit, and one batch of events (team,
    # tags, assignee) for the handlers after it.
    with transaction.atomic():
        lock_ticket(ticket)
        decision = apply_routing_rules(ticket, event_verb=event_verb)
        assign_if_possible(ticket_id, routed=Routed(event_id=event_id, decision=decision))
    return TicketRouting.objects.filter(ticket_id=ticket_id).first()


@dataclass(frozen=True)
class Routed:
    """What routing rules decided for the event being routed."""

    event_id: int
    decision: RoutingDecision | None


@dataclass(frozen=True)
class Assignment:
    ticket_id: int
    agent: Agent
    explanation: dict[str, Any]


def assign_if_possible(ticket_id: int, *, routed: Routed | None = None) -> Assignment | None:
    """Give the ticket to the best eligible agent of its team, by the team's policy; leave
    it queued (with why) when there is none. No-op for a ticket already assigned, not
    waiting on us, or still with the bot. `routed`: the routing rules' decision for a new or
    re-opened ticket, recorded in the same transaction."""
    with transaction.atomic():
        if not Ticket.objects.filter(pk=ticket_id).exists():
            return None
        ticket = lock_ticket(ticket_id)
        routing, _created = TicketRouting.objects.select_for_update().get_or_create(
            ticket_id=ticket_id, defaults={"queued_at": clock.now()}
        )
        if routed is not None:
            _record_routed(routing, routed)
            ticket = _release_if_assignee_gone(ticket)
        if ticket.assignee_id is not None:
            if routing.state == RoutingState.QUEUED:
                _set_state(routing, RoutingState.ASSIGNED)
            return None
        if ticket.status not in LOAD_STATUSES:
            return None
        if routing.state != RoutingState.QUEUED:
            # Back to waiting (unassigned, re-opened): the wait starts now.
            routing.queued_at = clock.now()
        if ticket.team_id is None:
            _wait(routing, {"kind": "queued", "reason": "no_team"})
            return None
        policy_row = TeamRouting.objects.filter(team_id=ticket.team_id).first()
        if policy_row is not None and policy_row.policy == AssignmentPolicy.ROUND_ROBIN:
            # Whose turn it is must be read and moved by one decision at a time.
            policy_row = TeamRouting.objects.select_for_update().get(pk=policy_row.pk)
        if policy_row is None or policy_row.policy == AssignmentPolicy.MANUAL:
            _wait(routing, {"kind": "queued", "reason": "manual_team"})
            return None
        if _bot_is_answering(ticket):
            _wait(routing, {"kind": "queued", "reason": "bot"})
            return None
        chosen = _choose_with_room(ticket, routing, policy_row)
        if chosen is None:
            _wait(routing, {"kind": "queued", "reason": "full", "skills": routing.required_skills})
            return None
        return _assign(ticket, routing, policy_row, chosen)


def _choose_with_room(
    ticket: Ticket, routing: TicketRouting, policy_row: TeamRouting
) -> Candidate | None:
    assert ticket.team_id is not None
    pool = candidates(ticket.team_id, ticket.origin_channel, routing.required_skills)
    while pool:
        choice = choose(policy_row.policy, pool, last_agent_id=policy_row.last_assigned_agent_id)
        if choice is None:
            return None
        capacity = capacity_for(choice.agent, ticket.origin_channel)
        try:
            # Count again under the agent's lock: another decision may have just given them
            # one. In a savepoint, so that the lock of an agent found full is let go at once
            # (holding it while locking the next could deadlock with another decision).
            with transaction.atomic():
                Agent.objects.select_for_update().filter(pk=choice.agent.pk).first()
                load = agent_load(choice.agent.pk, ticket.origin_channel)
                if capacity is not None and load >= capacity:
                    raise _AgentFull()
        except _AgentFull:
            pool = [c for c in pool if c.agent.pk != choice.agent.pk]
            continue
        return Candidate(agent=choice.agent, load=load, capacity=capacity, skills=choice.skills)
    return None


class _AgentFull(Exception):
    """The chosen agent reached their capacity meanwhile."""


def choose(policy: str, pool: list[Candidate], *, last_agent_id: int | None) -> Candidate | None:
    """The agent `policy` picks from `pool` (all eligible and with room)."""
    if not pool:
        return None
    if policy == AssignmentPolicy.ROUND_ROBIN:
        ordered = sorted(pool, key=lambda c: c.agent.pk)
        after = [c for c in ordered if last_agent_id is not None and c.agent.pk > last_agent_id]
        return (after or ordered)[0]
    if policy == AssignmentPolicy.SKILLS:
        return min(pool, key=lambda c: (-sum(c.skills.values()), c.load_ratio, c.load, c.agent.pk))
    return min(pool, key=lambda c: (c.load_ratio, c.load, c.agent.pk))


def _assign(
    ticket: Ticket, routing: TicketRouting, policy_row: TeamRouting, chosen: Candidate
) -> Assignment:
    explanation = {
        "kind": "routed",
        "policy": policy_row.policy,
        "agent": chosen.agent.display_name,
        "agent_id": chosen.agent.pk,
        "skills": {name: chosen.skills.get(name, 0) for name in routing.required_skills},
        "load": chosen.load + 1,
        "capacity": chosen.capacity,
        "channel": ticket.origin_channel,
        "rule": routing.rule_name,
    }
    change_ticket(ticket, TicketChanges(assignee=Change(chosen.agent)), actor=ROUTING)
    now = clock.now()
    routing.state, routing.assigned_at, routing.explanation = (
        RoutingState.ASSIGNED,
        now,
        explanation,
    )
    routing.save(update_fields=["state", "assigned_at", "explanation", "queued_at"])
    if policy_row.policy == AssignmentPolicy.ROUND_ROBIN:
        policy_row.last_assigned_agent = chosen.agent
        policy_row.save(update_fields=["last_assigned_agent"])
    record_event(ROUTING, "ticket.routed", ticket, after=explanation)
    return Assignment(ticket_id=ticket.pk, agent=chosen.agent, explanation=explanation)


def _release_if_assignee_gone(ticket: Ticket) -> Ticket:
    """A re-opened ticket whose agent is offline (or deactivated) goes back to routing,
    in teams that re-assign; with an online or away agent it stays theirs."""
    if ticket.assignee_id is None or ticket.team_id is None:
        return ticket
    gone = Agent.objects.filter(pk=ticket.assignee_id).filter(
        Q(is_active=False) | Q(presence=Presence.OFFLINE)
    )
    reassigning = TeamRouting.objects.filter(team_id=ticket.team_id, reassign_when_offline=True)
    if not gone.exists() or not reassigning.exclude(policy=AssignmentPolicy.MANUAL).exists():
        return ticket
    return change_ticket(ticket, TicketChanges(assignee=Change(None)), actor=ROUTING)


def _record_routed(routing: TicketRouting, routed: Routed) -> None:
    decision = routed.decision
    routing.routed_event_id = routed.event_id
    routing.required_skills = decision.required_skills if decision else {}
    routing.rule_name = decision.rule_name[:200] if decision else ""
    routing.state, routing.queued_at = RoutingState.QUEUED, clock.now()
    routing.explanation = {}
    routing.save()


def _wait(routing: TicketRouting, explanation: dict[str, Any]) -> None:
    """Leave the ticket queued, noting why."""
    if routing.state == RoutingState.QUEUED and routing.explanation == explanation:
        return
    routing.state = RoutingState.QUEUED
    routing.queued_at = routing.queued_at or clock.now()
    routing.explanation = explanation
    routing.save(update_fields=["state", "queued_at", "explanation"])


def _set_state(routing: TicketRouting, state: RoutingState) -> None:
    routing.state = state
    routing.save(update_fields=["state"])


def _bot_is_answering(ticket: Ticket) -> bool:
    return BotConversation.objects.filter(ticket=ticket, handed_off_at__isnull=True).exists()


def note_manual_assignment(ticket_id: int, *, agent_id: int | None, by: str) -> None:
    """A person assigned (or unassigned) the ticket: routing steps aside, or queues it."""
    if agent_id is None:
        assign_if_possible(ticket_id)
        return
    with transaction.atomic():
        routing, _created = TicketRouting.objects.select_for_update().get_or_create(
            ticket_id=ticket_id
        )
        routing.state = RoutingState.ASSIGNED
        routing.assigned_at = clock.now()
        routing.explanation = {"kind": "manual", "by": by}
        routing.save()


def assign_waiting(team_ids: list[int] | None = None) -> int:
    """Try the queued tickets of `team_ids` (all teams when None), most urgent first.
    Returns how many were assigned."""
    assigned = misses = 0
    for ticket_id in waiting_ticket_ids(team_ids):
        if assign_if_possible(ticket_id) is None:
            misses += 1
            if misses >= DRAIN_MISSES:
                break
        else:
            assigned, misses = assigned + 1, 0
    return assigned


def release_tickets_of(agent: Agent) -> int:
    """`agent` went offline or was deactivated: their tickets still waiting on us, in
    teams that route automatically and re-assign, go back to routing. Returns how many."""
    tickets = Ticket.objects.filter(
        assignee=agent,
        status__in=LOAD_STATUSES,
        team__routing__reassign_when_offline=True,
    ).exclude(team__routing__policy=AssignmentPolicy.MANUAL)
    released = 0
    for ticket in tickets[:500]:
        with transaction.atomic():
            locked = lock_ticket(ticket)
            if locked.assignee_id != agent.pk:
                continue
            change_ticket(locked, TicketChanges(assignee=Change(None)), actor=ROUTING)
            TicketRouting.objects.update_or_create(
                ticket_id=ticket.pk,
                defaults={
                    "state": RoutingState.QUEUED,
                    "queued_at": clock.now(),
                    "explanation": {"kind": "released", "agent": agent.display_name},
                },
            )
        released += 1
        assign_if_possible(ticket.pk)
    return released


def overflow_waiting() -> int:
    """Tickets queued longer than their team's overflow wait move to the overflow team
    (once), and are tried there. Returns how many moved."""
    moved = 0
    now = clock.now()
    for policy_row in TeamRouting.objects.filter(
        overflow_team__isnull=False, overflow_after_minutes__gt=0
    ).select_related("overflow_team"):
        since = now - timedelta(minutes=policy_row.overflow_after_minutes)
        waiting = TicketRouting.objects.filter(
            state=RoutingState.QUEUED,
            queued_at__lte=since,
            overflowed_from__isnull=True,
            ticket__team_id=policy_row.team_id,
            ticket__assignee__isnull=True,
            ticket__status__in=LOAD_STATUSES,
        ).values_list("ticket_id", flat=True)[:200]
        for ticket_id in waiting:
            if _overflow(ticket_id, policy_row):
                moved += 1
    return moved


def _overflow(ticket_id: int, policy_row: TeamRouting) -> bool:
    with transaction.atomic():
        ticket = lock_ticket(ticket_id)
        if ticket.assignee_id is not None or ticket.team_id != policy_row.team_id:
            return False
        change_ticket(ticket, TicketChanges(team=Change(policy_row.overflow_team)), actor=ROUTING)
        TicketRouting.objects.filter(ticket_id=ticket_id).update(
            overflowed_from=policy_row.team_id, queued_at=clock.now()
        )
    assign_if_possible(ticket_id)
    return True


@dataclass(frozen=True)
class TeamRoutingChanges:
    policy: AssignmentPolicy
    overflow_team: Team | None = None
    overflow_after_minutes: int = 0
    reassign_when_offline: bool = True


def configure_team_routing(team: Team, changes: TeamRoutingChanges, *, actor: Actor) -> TeamRouting:
    """Set how `team` hands out tickets. Raises PermissionDenied, InvalidInput."""
    require(actor, Permission.MANAGE_TEAM)
    if changes.overflow_team is not None and changes.overflow_team.pk == team.pk:
        raise InvalidInput(_("A team cannot overflow to itself."), loc=["overflow_team"])
    if changes.overflow_after_minutes < 0 or changes.overflow_after_minutes > 7 * 24 * 60:
        raise InvalidInput(
            _("Overflow waits between 0 and 10080 minutes."), loc=["overflow_after_minutes"]
        )
    with transaction.atomic():
        row, _created = TeamRouting.objects.select_for_update().get_or_create(team=team)
        before = {
            "policy": row.policy,
            "overflow_team_id": row.overflow_team_id,
            "overflow_after_minutes": row.overflow_after_minutes,
            "reassign_when_offline": row.reassign_when_offline,
        }
        row.policy = changes.policy
        row.overflow_team = changes.overflow_team
        row.overflow_after_minutes = changes.overflow_after_minutes
        row.reassign_when_offline = changes.reassign_when_offline
        row.updated_at = clock.now()
        row.save()
        after = {
            "policy": row.policy,
            "overflow_team_id": row.overflow_team_id,
            "overflow_after_minutes": row.overflow_after_minutes,
            "reassign_when_offline": row.reassign_when_offline,
        }
        if after != before:
            record_event(actor, "team.routing_changed", team, before=before, after=after)
    return row

"""Reads routing decides on: who is eligible for a ticket, and how loaded they are."""

from dataclasses import dataclass

from django.db.models import Count, Q

from sapa.accounts.models import Agent, AgentSkill, Presence
from sapa.conversations.models import Ticket, TicketStatus
from sapa.routing.models import RoutingState, TeamRouting, TicketRouting

# Tickets that take up an agent's capacity: the ones waiting on them.
LOAD_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN)


@dataclass(frozen=True)
class Candidate:
    agent: Agent
    load: int
    # None: no limit set for this channel.
    capacity: int | None
    # Skill name -> level, only the skills the ticket asks for.
    skills: dict[str, int]

    @property
    def has_room(self) -> bool:
        return self.capacity is None or self.load < self.capacity

    @property
    def load_ratio(self) -> float:
        if self.capacity is None:
            return 0.0 if self.load == 0 else self.load / 1000
        return self.load / self.capacity if self.capacity else 1.0


def capacity_for(agent: Agent, channel: str) -> int | None:
    """The agent's limit of concurrent tickets on `channel`; None when they set none."""
    value = (agent.capacity or {}).get(channel)
    return int(value) if value is not None else None


def agent_load(agent_id: int, channel: str) -> int:
    return Ticket.objects.filter(
        assignee_id=agent_id, origin_channel=channel, status__in=LOAD_STATUSES
    ).count()


def candidates(team_id: int, channel: str, required_skills: dict[str, int]) -> list[Candidate]:
    """Online, active agents of the team with their load on `channel` and their levels in
    the required skills, in two queries. Agents missing a required skill (or below its
    level) are left out; so are agents at capacity."""
    agents = list(
        Agent.objects.filter(teams=team_id, is_active=True, presence=Presence.ONLINE)
        .annotate(
            load=Count(
                "assigned_tickets",
                filter=Q(
                    assigned_tickets__origin_channel=channel,
                    assigned_tickets__status__in=LOAD_STATUSES,
                ),
            )
        )
        .order_by("pk")
    )
    levels: dict[int, dict[str, int]] = {}
    if required_skills and agents:
        rows = AgentSkill.objects.filter(
            agent_id__in=[a.pk for a in agents], skill__name__in=list(required_skills)
        ).values_list("agent_id", "skill__name", "level")
        for agent_id, name, level in rows:
            levels.setdefault(agent_id, {})[name] = level
    found = []
    for agent in agents:
        skills = levels.get(agent.pk, {})
        if any(skills.get(name, 0) < level for name, level in required_skills.items()):
            continue
        candidate = Candidate(
            agent=agent,
            load=agent.load,
            capacity=capacity_for(agent, channel),
            skills=skills,
        )
        if candidate.has_room:
            found.append(candidate)
    return found


def team_routing(team_id: int) -> TeamRouting | None:
    return TeamRouting.objects.filter(team_id=team_id).first()


def waiting_ticket_ids(team_ids: list[int] | None = None, *, limit: int = 200) -> list[int]:
    """Queued tickets, most urgent and longest waiting first."""
    rows = TicketRouting.objects.filter(
        state=RoutingState.QUEUED,
        ticket__assignee__isnull=True,
        ticket__status__in=LOAD_STATUSES,
    )
    if team_ids is not None:
        rows = rows.filter(ticket__team_id__in=team_ids)
    return list(
        rows.order_by("ticket__priority_rank", "queued_at", "pk").values_list(
            "ticket_id", flat=True
        )[:limit]
    )


@dataclass(frozen=True)
class ChannelLoad:
    channel: str
    load: int
    capacity: int | None


@dataclass(frozen=True)
class AgentLoad:
    agent: Agent
    channels: list[ChannelLoad]


def team_loads(team_id: int) -> list[AgentLoad]:
    """Each active member's presence and tickets waiting on them per channel, against their
    capacity (channels with a capacity or a load), in two queries."""
    agents = list(
        Agent.objects.filter(teams=team_id, is_active=True).order_by("first_name", "username")
    )
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Ticket.objects.filter(assignee__in=agents, status__in=LOAD_STATUSES)
        .values_list("assignee_id", "origin_channel")
        .annotate(n=Count("pk"))
    )
    for agent_id, channel, n in rows:
        counts.setdefault(agent_id, {})[channel] = n
    loads = []
    for agent in agents:
        mine = counts.get(agent.pk, {})
        channels = sorted(set(mine) | set(agent.capacity or {}))
        loads.append(
            AgentLoad(
                agent=agent,
                channels=[
                    ChannelLoad(channel, mine.get(channel, 0), capacity_for(agent, channel))
                    for channel in channels
                ],
            )
        )
    return loads


def routing_of(ticket_id: int) -> TicketRouting | None:
    return TicketRouting.objects.filter(ticket_id=ticket_id).first()

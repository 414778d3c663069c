"""The routing bench's scenario, run inside the bench's Sapa environment (its own process,
DJANGO_SETTINGS_MODULE and DATABASE_URL from the bench):

    python bench/_routing_scenario.py setup --agents 10 --tickets 1000
    python bench/_routing_scenario.py report

`setup` creates the team, its agents (online, with capacities and skills) and the routing
rules, through Sapa's actions. `report` prints one JSON line of what routing did. Also used
by tests/routing/test_routing_under_load.py.
"""

import argparse
import json
import math
import os
import statistics
import sys
from collections import Counter, defaultdict
from typing import Any

# Skill name -> the words of a message that ask for it (matched by the routing rules).
SKILL_WORDS = {"pembayaran": ["transfer", "pembayaran", "bayar"], "retur": ["retur", "tukar"]}
SKILL_LEVEL = {"pembayaran": 3, "retur": 2}


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sapa.settings")
    import django

    django.setup()


def setup(agent_count: int, ticket_count: int) -> dict[str, Any]:
    from sapa.accounts.actions import add_team, create_agent, set_agent_skills
    from sapa.accounts.models import Presence, Role
    from sapa.accounts.presence import set_presence
    from sapa.core.actors import Actor
    from sapa.routing.actions import TeamRoutingChanges, configure_team_routing
    from sapa.routing.models import AssignmentPolicy

    actor = Actor.system("bench")
    team = add_team("Layanan Pelanggan", actor=actor)
    configure_team_routing(team, TeamRoutingChanges(policy=AssignmentPolicy.SKILLS), actor=actor)
    # Capacities sized so the whole run fits with some room, but unevenly: an agent who
    # got more than their share would show up as over capacity.
    per_agent = math.ceil(ticket_count / agent_count)
    agents = []
    for number in range(agent_count):
        agent = create_agent(
            f"agen{number}",
            email=f"agen{number}@toko.test",
            password=None,
            role=Role.AGENT,
            actor=actor,
        )
        agent.first_name = f"Agen {number}"
        agent.capacity = {
            "whatsapp": per_agent + 8 * (number % 3),
            "email": per_agent // 2 + 5 + 4 * (number % 3),
        }
        agent.save(update_fields=["first_name", "capacity"])
        agent.teams.add(team)
        skills: dict[str, int] = {}
        if number < agent_count // 2:
            skills["pembayaran"] = 3 + number % 3
        if agent_count // 3 <= number < agent_count * 4 // 5:
            skills["retur"] = 2 + number % 4
        if not skills:
            skills["bahasa-inggris"] = 4
        set_agent_skills(agent, levels=skills, actor=actor)
        set_presence(agent, Presence.ONLINE, actor=actor)
        agents.append(agent.pk)
    _routing_rules(team.pk, actor)
    return {"team": team.pk, "agents": agents}


def _routing_rules(team_id: int, actor: Any) -> None:
    from sapa.automations.actions import save_rule
    from sapa.automations.definitions import RawRule, parse_rule
    from sapa.automations.models import RuleKind

    for skill, words in SKILL_WORDS.items():
        raw = RawRule(
            name=f"Butuh {skill}",
            conditions=[{"field": "text", "op": "contains_any", "value": ", ".join(words)}],
            actions=[
                {"type": "set_team", "value": team_id},
                {"type": "required_skills", "value": f"{skill}:{SKILL_LEVEL[skill]}"},
            ],
        )
        save_rule(parse_rule(RuleKind.ROUTING, raw), actor=actor)
    raw = RawRule(name="Semua ke Layanan", actions=[{"type": "set_team", "value": team_id}])
    save_rule(parse_rule(RuleKind.ROUTING, raw), actor=actor)


def report() -> dict[str, Any]:
    from sapa.accounts.models import Agent, AgentSkill
    from sapa.conversations.models import Ticket
    from sapa.core.models import Event
    from sapa.routing.models import RoutingState, TicketRouting

    tickets = Ticket.objects.count()
    assigned = Ticket.objects.filter(assignee__isnull=False).count()
    per_ticket = Counter(
        event.subject_id
        for event in Event.objects.filter(verb="ticket.assigned").only("subject_id", "after")
        if event.after.get("assignee_id") is not None
    )
    double = sum(1 for n in per_ticket.values() if n > 1)
    loads: dict[tuple[int, str], int] = Counter(
        Ticket.objects.filter(assignee__isnull=False).values_list("assignee_id", "origin_channel")
    )
    over = 0
    for agent in Agent.objects.filter(pk__in={agent_id for agent_id, _c in loads}):
        for channel, capacity in (agent.capacity or {}).items():
            if loads.get((agent.pk, channel), 0) > capacity:
                over += 1
                break
    levels: dict[int, dict[str, int]] = defaultdict(dict)
    for agent_id, name, level in AgentSkill.objects.values_list("agent_id", "skill__name", "level"):
        levels[agent_id][name] = level
    mismatches = 0
    waits: list[float] = []
    first_created = last_assigned = None
    rows = TicketRouting.objects.filter(state=RoutingState.ASSIGNED).values_list(
        "required_skills", "ticket__assignee_id", "ticket__created_at", "assigned_at"
    )
    for required, assignee_id, created_at, assigned_at in rows:
        if assignee_id is None or assigned_at is None:
            continue
        have = levels.get(assignee_id, {})
        if any(have.get(name, 0) < level for name, level in (required or {}).items()):
            mismatches += 1
        waits.append((assigned_at - created_at).total_seconds())
        first_created = min(first_created or created_at, created_at)
        last_assigned = max(last_assigned or assigned_at, assigned_at)
    span = (last_assigned - first_created).total_seconds() if waits else 0.0
    return {
        "tickets": tickets,
        "assigned": assigned,
        "queued": TicketRouting.objects.filter(state=RoutingState.QUEUED).count(),
        "double_assignments": double,
        "over_capacity": over,
        "skill_mismatches": mismatches,
        "with_skills": TicketRouting.objects.exclude(required_skills={}).count(),
        "decisions_per_s": round(len(waits) / span, 1) if span else 0.0,
        "p50_ms": round(statistics.median(waits) * 1000) if waits else None,
        "p95_ms": round(statistics.quantiles(waits, n=20)[-1] * 1000) if len(waits) > 1 else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "report"])
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--tickets", type=int, default=1000)
    args = parser.parse_args()
    _django()
    result = setup(args.agents, args.tickets) if args.command == "setup" else report()
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    sys.exit(main())

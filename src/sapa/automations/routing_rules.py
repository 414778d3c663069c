"""Routing rules: the first active rule of kind "routing" whose conditions match a new or
re-opened ticket decides its team, required skills, priority and tags.

Contract with sapa.routing (which calls this before assigning): `apply_routing_rules`
applies team/priority/tags through conversations' actions as Actor.automation("routing:<id>"),
records the run, and returns what assignment needs. None when no rule matched.
"""

from dataclasses import dataclass, field

from sapa.conversations.models import Ticket


@dataclass(frozen=True)
class RoutingDecision:
    rule_id: int
    rule_name: str
    # Skill name -> lowest level accepted (1-5).
    required_skills: dict[str, int] = field(default_factory=dict)


def apply_routing_rules(ticket: Ticket, *, event_verb: str) -> RoutingDecision | None:
    """Evaluate routing rules on `ticket` (after `event_verb`: ticket.created/reopened)."""
    return None

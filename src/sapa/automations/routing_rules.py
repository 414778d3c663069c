"""Routing rules: the first active rule of kind "routing" whose conditions match a new or
re-opened ticket decides its team, required skills, priority and tags.

Contract with sapa.routing (which calls this before assigning): `apply_routing_rules`
applies team/priority/tags through conversations' actions as Actor.automation("routing:<id>"),
records the run, and returns what assignment needs. None when no rule matched.
"""

from dataclasses import dataclass, field

from sapa.automations.conditions import matches
from sapa.automations.definitions import load_actions, load_conditions
from sapa.automations.execution import run_rule
from sapa.automations.facts import load_facts, triggering_message
from sapa.automations.models import RuleKind, RunOutcome
from sapa.automations.queries import active_rules
from sapa.conversations.models import Ticket, TicketStatus
from sapa.core.models import Event


@dataclass(frozen=True)
class RoutingDecision:
    rule_id: int
    rule_name: str
    # Skill name -> lowest level accepted (1-5).
    required_skills: dict[str, int] = field(default_factory=dict)


def apply_routing_rules(ticket: Ticket, *, event_verb: str) -> RoutingDecision | None:
    """Evaluate routing rules on `ticket` (after `event_verb`: ticket.created/reopened).

    The first active routing rule (by position) whose conditions hold on the ticket and its
    latest customer message is applied, once per ticket and event: called again for the
    same ticket.created (or the same re-opening), the decision is returned without acting
    twice. Closed tickets are not routed.
    """
    if ticket.status == TicketStatus.CLOSED:
        return None
    rules = list(active_rules(RuleKind.ROUTING))
    if not rules:
        return None
    parsed = [(rule, load_conditions(rule.conditions)) for rule in rules]
    facts = load_facts(
        ticket,
        message=triggering_message(ticket),
        with_intent=any(conditions.uses("intent") for _rule, conditions in parsed),
        fields={item.field for _rule, conditions in parsed for item in conditions.items},
    )
    for rule, conditions in parsed:
        if not matches(conditions, facts):
            continue
        actions = load_actions(rule.actions)
        marker = _event_marker(ticket, event_verb)
        run = run_rule(
            rule, ticket, run_key=f"{rule.pk}:{ticket.pk}:{marker}", event_id=marker or None
        )
        skills: dict[str, int] = {}
        for action in actions:
            if action.type == "required_skills" and isinstance(action.value, dict):
                skills.update({str(k): int(v) for k, v in action.value.items()})
        if run is not None and run.outcome == RunOutcome.SKIPPED:
            return None
        return RoutingDecision(rule_id=rule.pk, rule_name=rule.name, required_skills=skills)
    return None


def _event_marker(ticket: Ticket, event_verb: str) -> int:
    """The id of the latest `event_verb` event of the ticket: one routing per arrival."""
    found = (
        Event.objects.filter(subject_type="ticket", subject_id=ticket.pk, verb=event_verb)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return int(found or 0)

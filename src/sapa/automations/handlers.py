"""What automations do when events are committed (see sapa.core.event_dispatch): run the
triggers that listen for them.

Events map to the trigger events of the builder (catalog.TRIGGER_EVENTS); a change of
status, priority, team, assignee or tags is "ticket.updated". Per ticket and batch of
events, each trigger runs at most once, on the first event it listens for, and all
matching triggers run in position order, each seeing what the earlier ones changed.
A trigger never runs on an event it caused itself (the event's actor label is its own);
messages marked as auto-replies trigger nothing. Routing rules are not run here:
sapa.routing calls routing_rules.apply_routing_rules before it assigns.
"""

from dataclasses import dataclass

from sapa.automations.conditions import matches
from sapa.automations.definitions import ConditionSet, load_conditions
from sapa.automations.execution import run_rule
from sapa.automations.facts import load_facts, triggering_message
from sapa.automations.models import Rule, RuleKind
from sapa.automations.queries import active_rules
from sapa.conversations.models import Ticket, TicketStatus
from sapa.core.models import Event

INTERESTED_IN: tuple[str, ...] = ("ticket.", "message.received", "sla.", "survey.", "promise.")

TRIGGER_EVENT: dict[str, str] = {
    "ticket.created": "ticket.created",
    "ticket.status_changed": "ticket.updated",
    "ticket.reopened": "ticket.updated",
    "ticket.priority_changed": "ticket.updated",
    "ticket.team_changed": "ticket.updated",
    "ticket.assigned": "ticket.updated",
    "ticket.tagged": "ticket.updated",
    "message.received": "message.received",
    "sla.warning": "sla.warning",
    "sla.breached": "sla.breached",
    "survey.answered": "survey.answered",
    "promise.due": "promise.due",
}


@dataclass(frozen=True)
class _Trigger:
    rule: Rule
    conditions: ConditionSet
    events: frozenset[str]


def ticket_id_of(event: Event) -> int | None:
    """The ticket an event concerns: its subject, or the ticket_id it names (SLA clocks,
    promises and surveys have subjects of their own)."""
    if event.subject_type == "ticket":
        return int(event.subject_id)
    raw = event.after.get("ticket_id") or event.before.get("ticket_id")
    return int(raw) if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()) else None


def on_events(events: list[Event]) -> None:
    triggers = [
        _Trigger(rule, load_conditions(rule.conditions), frozenset(rule.events))
        for rule in active_rules(RuleKind.TRIGGER)
    ]
    if not triggers:
        return
    by_ticket: dict[int, list[Event]] = {}
    for event in events:
        ticket_id = ticket_id_of(event)
        if ticket_id is not None and event.verb in TRIGGER_EVENT:
            by_ticket.setdefault(ticket_id, []).append(event)
    for ticket_id, ticket_events in by_ticket.items():
        ticket = Ticket.objects.filter(pk=ticket_id).first()
        if ticket is not None:
            _run_triggers(ticket, ticket_events, triggers)


def _run_triggers(ticket: Ticket, events: list[Event], triggers: list[_Trigger]) -> None:
    ran: set[int] = set()
    for event in events:
        wanted = TRIGGER_EVENT[event.verb]
        candidates = [
            t
            for t in triggers
            if wanted in t.events and t.rule.pk not in ran and event.actor_label != t.rule.label
        ]
        if not candidates:
            continue
        message = None
        if event.verb == "message.received":
            message = triggering_message(ticket, event.after.get("message_id"))
            if message is None or message.auto_reply:
                continue
        with_intent = any(t.conditions.uses("intent") for t in candidates)
        facts = load_facts(
            ticket,
            message=message,
            with_intent=with_intent,
            fields={item.field for t in candidates for item in t.conditions.items},
        )
        for trigger in candidates:
            if facts.status == TicketStatus.CLOSED:
                break
            if not matches(trigger.conditions, facts):
                continue
            ran.add(trigger.rule.pk)
            run_rule(
                trigger.rule, ticket, run_key=f"{trigger.rule.pk}:{event.pk}", event_id=event.pk
            )

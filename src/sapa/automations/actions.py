"""Writing rules: create or change one from a validated draft, switch it on or off, move it
up or down within its kind, delete it. Supervisors and admins (MANAGE_TEAM); every change
leaves an Event on the rule."""

from typing import Any

from django.db import transaction
from django.db.models import Max

from sapa.accounts.permissions import Permission, require
from sapa.automations.definitions import RuleDraft, dump_actions, dump_conditions
from sapa.automations.models import Rule
from sapa.core.actions import record_event
from sapa.core.actors import Actor


def _summary(rule: Rule) -> dict[str, Any]:
    return {
        "kind": rule.kind,
        "name": rule.name,
        "position": rule.position,
        "is_active": rule.is_active,
        "events": list(rule.events),
        "conditions": rule.conditions,
        # Secrets stay out of the audit trail.
        "actions": [
            {key: value for key, value in action.items() if key != "secret"}
            for action in rule.actions
        ],
    }


def save_rule(draft: RuleDraft, *, actor: Actor, rule: Rule | None = None) -> Rule:
    """Create a rule from `draft` (placed last of its kind), or replace `rule`'s settings
    with it (its kind and place stay). Raises PermissionDenied."""
    require(actor, Permission.MANAGE_TEAM)
    with transaction.atomic():
        before: dict[str, Any] = {}
        if rule is None:
            last = Rule.objects.filter(kind=draft.kind).aggregate(last=Max("position"))["last"]
            rule = Rule(
                kind=draft.kind,
                position=(last or 0) + 1,
                created_by=actor.agent,
            )
        else:
            rule = Rule.objects.select_for_update().get(pk=rule.pk)
            before = _summary(rule)
        rule.name = draft.name
        rule.is_active = draft.is_active
        rule.events = list(draft.events)
        rule.conditions = dump_conditions(draft.conditions)
        rule.actions = dump_actions(draft.actions)
        rule.save()
        verb = "rule.updated" if before else "rule.created"
        record_event(actor, verb, rule, before=before, after=_summary(rule))
    return rule


def set_rule_active(rule: Rule, *, is_active: bool, actor: Actor) -> Rule:
    """Switch the rule on or off. Raises PermissionDenied."""
    require(actor, Permission.MANAGE_TEAM)
    with transaction.atomic():
        rule = Rule.objects.select_for_update().get(pk=rule.pk)
        if rule.is_active != is_active:
            rule.is_active = is_active
            rule.save(update_fields=["is_active", "updated_at"])
            record_event(
                actor,
                "rule.updated",
                rule,
                before={"is_active": not is_active},
                after={"is_active": is_active},
            )
    return rule


def move_rule(rule: Rule, *, up: bool, actor: Actor) -> Rule:
    """Swap the rule with its neighbour above (or below) within its kind; the kind's
    positions are renumbered 1, 2, 3... Raises PermissionDenied."""
    require(actor, Permission.MANAGE_TEAM)
    with transaction.atomic():
        ordered = list(
            Rule.objects.select_for_update().filter(kind=rule.kind).order_by("position", "pk")
        )
        index = next(i for i, row in enumerate(ordered) if row.pk == rule.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(ordered):
            return ordered[index]
        before = ordered[index].position
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, row in enumerate(ordered, start=1):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        moved = ordered[other]
        record_event(
            actor, "rule.moved", moved, before={"position": before}, after={"position": other + 1}
        )
    return moved


def delete_rule(rule: Rule, *, actor: Actor) -> None:
    """Delete the rule; its runs stay on the tickets (with its name). Raises
    PermissionDenied."""
    require(actor, Permission.MANAGE_TEAM)
    with transaction.atomic():
        record_event(actor, "rule.deleted", rule, before=_summary(rule))
        rule.delete()

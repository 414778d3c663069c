"""Making rules in tests the way the console does: parse_rule, then save_rule."""

from typing import Any

from sapa.automations.actions import save_rule
from sapa.automations.definitions import RawRule, parse_rule
from sapa.automations.models import Rule, RuleKind
from sapa.core.actors import Actor


def make_rule(
    kind: RuleKind,
    *,
    name: str = "Aturan",
    conditions: list[dict[str, Any]] | None = None,
    actions: list[dict[str, Any]] | None = None,
    events: list[str] | None = None,
    match: str = "all",
    is_active: bool = True,
) -> Rule:
    draft = parse_rule(
        kind,
        RawRule(
            name=name,
            events=events or [],
            match=match,
            conditions=conditions or [],
            actions=actions or [],
            is_active=is_active,
        ),
    )
    return save_rule(draft, actor=Actor.system("test"))


def trigger(name: str = "Pemicu", *, events: list[str], **fields: Any) -> Rule:
    return make_rule(RuleKind.TRIGGER, name=name, events=events, **fields)


def cond(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


def act(type_: str, value: Any = None, **extra: Any) -> dict[str, Any]:
    return {"type": type_, "value": value, **extra}

"""A rule's conditions and actions as typed values: parsed and validated from what the
console or a caller sends (`parse_rule`, which names the row of every mistake), loaded from
the stored JSON (`load_conditions`, `load_actions`) and written back (`dump_*`)."""

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from sapa.accounts.models import Agent, Skill, Team
from sapa.automations.catalog import (
    ACTIONS,
    FIELDS,
    INTENT_LABELS,
    LANGUAGE_LABELS,
    OPS,
    TRIGGER_EVENTS,
    FieldSpec,
    FieldType,
    Op,
    ValueKind,
)
from sapa.automations.exceptions import InvalidRule, RowError
from sapa.automations.models import RuleKind
from sapa.channels.chat.models import ChatWidget
from sapa.channels.email.models import Mailbox
from sapa.channels.kinds import Channel
from sapa.conversations.models import Priority, TicketStatus
from sapa.core.exceptions import InvalidInput
from sapa.core.tags import normalise_tag
from sapa.webhooks.destinations import check_url
from sapa.webhooks.exceptions import UrlRefused

MAX_ROWS = 20
MAX_TEXT_CHARS = 4000
MAX_NAME_CHARS = 120
_LIST_SPLIT = re.compile(r"[,;\n]+")
_HOURS = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([hd]|jam|hari)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    # str | int | bool | None, or a list of them (ops "in", "contains_*").
    value: Any


@dataclass(frozen=True)
class ConditionSet:
    match: str = "all"  # "all" | "any"
    items: tuple[Condition, ...] = ()

    def uses(self, field_name: str) -> bool:
        return any(item.field == field_name for item in self.items)


@dataclass(frozen=True)
class RuleAction:
    type: str
    # Per ActionSpec.value: a priority or status name, a team id (None: no team), an agent
    # id or "auto", a list of tag names, {skill: level}, recipients ("assignee", "team" or a
    # list of agent ids), a URL.
    value: Any = None
    text: str = ""
    secret: str = ""


@dataclass(frozen=True)
class RuleDraft:
    """Everything the builder sets, validated."""

    kind: RuleKind
    name: str
    events: tuple[str, ...]
    conditions: ConditionSet
    actions: tuple[RuleAction, ...]
    is_active: bool = True


@dataclass
class RawRule:
    """What the builder or a caller sent, not yet checked. Row values may be text (the
    console's inputs: lists comma-separated, rows by name) or already typed."""

    name: str
    events: list[str] = field(default_factory=list)
    match: str = "all"
    conditions: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    is_active: bool = True


# --- choices ------------------------------------------------------------------------------


def choice_labels(field_name: str) -> dict[str, str]:
    """The values of a CHOICE field with their labels, in display order."""
    tables: dict[str, dict[str, Any]] = {
        "channel": dict(Channel.choices),
        "priority": dict(Priority.choices),
        "status": dict(TicketStatus.choices),
        "intent": dict(INTENT_LABELS),
        "language": dict(LANGUAGE_LABELS),
    }
    return {key: str(label) for key, label in tables.get(field_name, {}).items()}


def _ref_lookup(ref: str, raw: str) -> int | None:
    """The id of the row `raw` names (its id, name, slug, username or address)."""
    text = raw.strip()
    if text.isdigit():
        pk = int(text)
        query: dict[str, Any] = {"pk": pk}
        model_query = {
            "team": Team.objects.filter(**query),
            "agent": Agent.objects.filter(**query),
            "mailbox": Mailbox.objects.filter(**query),
            "widget": ChatWidget.objects.filter(**query),
        }[ref]
        return pk if model_query.exists() else None
    found: int | None
    if ref == "team":
        found = (
            Team.objects.filter(name__iexact=text).values_list("pk", flat=True).first()
            or Team.objects.filter(slug__iexact=text).values_list("pk", flat=True).first()
        )
    elif ref == "agent":
        found = Agent.objects.filter(username__iexact=text).values_list("pk", flat=True).first()
    elif ref == "mailbox":
        found = (
            Mailbox.objects.filter(address__iexact=text).values_list("pk", flat=True).first()
            or Mailbox.objects.filter(name__iexact=text).values_list("pk", flat=True).first()
        )
    else:
        found = ChatWidget.objects.filter(name__iexact=text).values_list("pk", flat=True).first()
    return found


# --- coercion -----------------------------------------------------------------------------


class _Bad(Exception):
    """A row's value is wrong; the message says how (without the row's number)."""


def _as_list(raw: Any) -> list[Any]:
    if isinstance(raw, list | tuple):
        values = list(raw)
    else:
        values = _LIST_SPLIT.split(str(raw if raw is not None else ""))
    cleaned = [v.strip() if isinstance(v, str) else v for v in values]
    return [v for v in cleaned if v not in ("", None)]


def _choice(field_name: str, raw: Any) -> str:
    labels = choice_labels(field_name)
    text = str(raw).strip()
    for key, label in labels.items():
        if text.lower() in (key, label.lower()) or text.lower().replace(" ", "_") == key:
            return key
    raise _Bad(_("unknown value “%(value)s”") % {"value": text})


def _ref(ref: str, raw: Any, *, allows_none: bool) -> int | None:
    """A row id from an id, a name or (where `allows_none`) "none" / JSON null."""
    text = "" if raw is None else str(raw).strip()
    if allows_none and (raw is None or text.lower() in ("none", "-")):
        return None
    if not text:
        raise _Bad(_("a value is missing"))
    if isinstance(raw, bool):
        raise _Bad(_("unknown value “%(value)s”") % {"value": raw})
    pk = _ref_lookup(ref, text)
    if pk is None:
        raise _Bad(_("nothing called “%(value)s”") % {"value": text})
    return pk


def _number(raw: Any) -> int:
    if isinstance(raw, bool):
        raise _Bad(_("a whole number is needed"))
    if isinstance(raw, int):
        return raw
    digits = re.sub(r"[\s.,_]|^rp", "", str(raw).strip().lower())
    if not digits.isdigit():
        raise _Bad(_("a whole number is needed"))
    return int(digits)


def _hours(raw: Any) -> float:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        hours = float(raw)
    else:
        match = _HOURS.match(str(raw))
        if match is None:
            raise _Bad(_("a number of hours is needed (72, or 3d for days)"))
        hours = float(match.group(1).replace(",", "."))
        if (match.group(2) or "").lower() in ("d", "hari"):
            hours *= 24
    if hours < 0 or hours > 24 * 366:
        raise _Bad(_("a number of hours is needed (72, or 3d for days)"))
    return hours


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "yes", "ya", "1", "on"):
        return True
    if text in ("false", "no", "tidak", "0", "off"):
        return False
    raise _Bad(_("yes or no is needed"))


def _tags(raw: Any) -> list[str]:
    try:
        return sorted({normalise_tag(str(name), loc=["value"]) for name in _as_list(raw)})
    except InvalidInput as error:
        raise _Bad(str(error.message)) from error


def _single(spec: FieldSpec, raw: Any) -> Any:
    if spec.type == FieldType.CHOICE:
        return _choice(spec.name, raw)
    if spec.type == FieldType.REF:
        return _ref(spec.ref, raw, allows_none=spec.allows_none)
    if spec.type == FieldType.BOOL:
        return _bool(raw)
    if spec.type == FieldType.NUMBER:
        return _number(raw)
    return _hours(raw)


def _condition_value(spec: FieldSpec, op: Op, raw: Any) -> Any:
    if spec.type == FieldType.SET:
        values: list[Any] = _tags(raw)
    elif spec.type == FieldType.TEXT:
        values = [str(v).lower() for v in _as_list(raw)]
    elif op == Op.IN:
        values = [_single(spec, item) for item in _as_list(raw)]
    else:
        if raw == "" or (raw is None and spec.type != FieldType.REF):
            raise _Bad(_("a value is missing"))
        return _single(spec, raw)
    if not values:
        raise _Bad(_("a value is missing"))
    return values


def _parse_condition(kind: RuleKind, raw: dict[str, Any]) -> Condition:
    spec = FIELDS.get(str(raw.get("field", "")))
    if spec is None:
        raise _Bad(_("unknown field"))
    if kind not in spec.kinds:
        raise _Bad(_("this field cannot be used in this kind of rule"))
    try:
        op = Op(str(raw.get("op", "")))
    except ValueError:
        raise _Bad(_("unknown operator")) from None
    if op not in OPS[spec.type]:
        raise _Bad(_("this operator does not fit the field"))
    return Condition(field=spec.name, op=op, value=_condition_value(spec, op, raw.get("value")))


def _skills(raw: Any) -> dict[str, int]:
    if isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        pairs = []
        for item in _as_list(raw):
            name, _colon, level = str(item).partition(":")
            pairs.append((name, level or 3))
    skills: dict[str, int] = {}
    for name, level in pairs:
        skill = Skill.objects.filter(name__iexact=str(name).strip()).first()
        if skill is None:
            raise _Bad(_("no skill called “%(value)s”") % {"value": name})
        try:
            number = int(level)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 5:
            raise _Bad(_("a skill level is 1 to 5"))
        skills[skill.name] = number
    if not skills:
        raise _Bad(_("a value is missing"))
    return skills


def _recipients(raw: Any) -> str | list[int]:
    if isinstance(raw, str) and raw.strip().lower() in ("assignee", "team"):
        return raw.strip().lower()
    ids = []
    for item in _as_list(raw):
        pk = _ref("agent", item, allows_none=False)
        assert pk is not None
        ids.append(pk)
    if not ids:
        raise _Bad(_("a value is missing"))
    return ids


def _action_value(kind: ValueKind, raw: Any) -> Any:
    if kind == ValueKind.NONE:
        return None
    if kind == ValueKind.PRIORITY:
        return _choice("priority", raw)
    if kind == ValueKind.STATUS:
        status = _choice("status", raw)
        if status == TicketStatus.NEW:
            raise _Bad(_("a ticket never goes back to new"))
        return status
    if kind == ValueKind.TEAM:
        return _ref("team", raw, allows_none=True)
    if kind == ValueKind.AGENT_OR_AUTO:
        if str(raw).strip().lower() == "auto":
            return "auto"
        return _ref("agent", raw, allows_none=False)
    if kind == ValueKind.TAGS:
        tags = _tags(raw)
        if not tags:
            raise _Bad(_("a value is missing"))
        return tags
    if kind == ValueKind.SKILLS:
        return _skills(raw)
    if kind == ValueKind.RECIPIENTS:
        return _recipients(raw)
    url = str(raw or "").strip()
    if len(url) > 500:
        raise _Bad(_("an http:// or https:// address is needed"))
    try:
        check_url(url)
    except UrlRefused as refused:
        raise _Bad(str(refused.message).rstrip(".")) from refused
    return url


def _parse_action(kind: RuleKind, raw: dict[str, Any]) -> RuleAction:
    spec = ACTIONS.get(str(raw.get("type", "")))
    if spec is None:
        raise _Bad(_("unknown action"))
    if kind not in spec.kinds:
        raise _Bad(_("this action cannot be used in this kind of rule"))
    value = _action_value(spec.value, raw.get("value"))
    text = str(raw.get("text") or "").strip() if spec.needs_text else ""
    if spec.needs_text and not text:
        raise _Bad(_("the text is missing"))
    if len(text) > MAX_TEXT_CHARS:
        raise _Bad(_("the text is too long"))
    secret = str(raw.get("secret") or "").strip() if spec.needs_secret else ""
    if spec.needs_secret and len(secret) < 16:
        raise _Bad(_("the signing secret needs at least 16 characters"))
    return RuleAction(type=spec.name, value=value, text=text, secret=secret)


def parse_rule(kind: RuleKind, raw: RawRule) -> RuleDraft:
    """Check everything `raw` says for a rule of `kind`. Raises InvalidRule listing every
    mistake ("Condition 2: unknown field")."""
    errors: list[RowError] = []
    name = raw.name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        errors.append(RowError("name", 0, _("A rule needs a name of at most 120 characters.")))
    events = tuple(dict.fromkeys(raw.events)) if kind == RuleKind.TRIGGER else ()
    if kind == RuleKind.TRIGGER and (not events or any(e not in TRIGGER_EVENTS for e in events)):
        errors.append(RowError("events", 0, _("Choose the events the trigger runs on.")))
    if raw.match not in ("all", "any"):
        errors.append(RowError("match", 0, _("Choose whether all or any conditions must hold.")))
    if len(raw.conditions) > MAX_ROWS or len(raw.actions) > MAX_ROWS:
        errors.append(RowError("name", 0, _("A rule has at most 20 conditions and 20 actions.")))
    conditions = []
    for index, row in enumerate(raw.conditions):
        try:
            conditions.append(_parse_condition(kind, row))
        except _Bad as bad:
            message = _("Condition %(number)d: %(problem)s.")
            errors.append(
                RowError("conditions", index, message % {"number": index + 1, "problem": bad})
            )
    actions = []
    for index, row in enumerate(raw.actions):
        try:
            actions.append(_parse_action(kind, row))
        except _Bad as bad:
            message = _("Action %(number)d: %(problem)s.")
            errors.append(
                RowError("actions", index, message % {"number": index + 1, "problem": bad})
            )
    if not raw.actions:
        errors.append(RowError("actions", 0, _("A rule needs at least one action.")))
    if kind == RuleKind.SCHEDULED and not any(
        FIELDS[c.field].type == FieldType.HOURS for c in conditions
    ):
        errors.append(
            RowError(
                "conditions",
                len(raw.conditions),
                _("A timed rule needs a condition on hours (for example, hours since solved)."),
            )
        )
    if errors:
        raise InvalidRule(errors)
    return RuleDraft(
        kind=kind,
        name=name,
        events=events,
        conditions=ConditionSet(match=raw.match, items=tuple(conditions)),
        actions=tuple(actions),
        is_active=raw.is_active,
    )


# --- storage ------------------------------------------------------------------------------


def dump_conditions(conditions: ConditionSet) -> dict[str, Any]:
    return {
        "match": conditions.match,
        "items": [{"field": c.field, "op": c.op, "value": c.value} for c in conditions.items],
    }


def dump_actions(actions: tuple[RuleAction, ...]) -> list[dict[str, Any]]:
    dumped = []
    for action in actions:
        row: dict[str, Any] = {"type": action.type, "value": action.value}
        if action.text:
            row["text"] = action.text
        if action.secret:
            row["secret"] = action.secret
        dumped.append(row)
    return dumped


def load_conditions(stored: dict[str, Any]) -> ConditionSet:
    """The stored conditions (written by dump_conditions); rows naming an unknown field are
    kept and never match, so a rule from a newer version fails closed."""
    items = tuple(
        Condition(field=str(row.get("field")), op=str(row.get("op")), value=row.get("value"))
        for row in (stored or {}).get("items", [])
        if isinstance(row, dict)
    )
    match = (stored or {}).get("match", "all")
    return ConditionSet(match=match if match in ("all", "any") else "all", items=items)


def load_actions(stored: list[Any]) -> tuple[RuleAction, ...]:
    return tuple(
        RuleAction(
            type=str(row.get("type")),
            value=row.get("value"),
            text=str(row.get("text") or ""),
            secret=str(row.get("secret") or ""),
        )
        for row in stored or []
        if isinstance(row, dict)
    )

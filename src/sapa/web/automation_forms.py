"""The rule builder's form: name, events, all/any, and numbered rows of conditions
("c-0-field", "c-0-op", "c-0-value") and actions ("a-0-type", "a-0-value", "a-0-text",
"a-0-secret"). Rows are plain text here; sapa.automations.definitions validates them and
names the row of every mistake. Empty rows are ignored (the page offers a few spare rows
for browsers without JavaScript)."""

import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Agent, Team
from sapa.automations.catalog import ACTIONS, FIELDS, TRIGGER_EVENTS, FieldType, ValueKind
from sapa.automations.definitions import RawRule, choice_labels, load_actions, load_conditions
from sapa.automations.exceptions import RowError
from sapa.automations.models import Rule, RuleKind
from sapa.channels.chat.models import ChatWidget
from sapa.channels.email.models import Mailbox

SPARE_ROWS = 2
_ROW_KEY = re.compile(r"^([ca])-(\d{1,2})-")


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    events = forms.MultipleChoiceField(
        label=_("Runs when"),
        choices=list(TRIGGER_EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    match = forms.ChoiceField(
        label=_("Conditions"),
        choices=[("all", _("All conditions hold")), ("any", _("Any condition holds"))],
        widget=forms.RadioSelect,
        initial="all",
    )

    def __init__(self, data: QueryDict | None = None, *, kind: RuleKind, rule: Rule | None) -> None:
        initial: dict[str, Any] = {"is_active": True, "match": "all"}
        if rule is not None:
            initial = {
                "name": rule.name,
                "is_active": rule.is_active,
                "events": list(rule.events),
                "match": (rule.conditions or {}).get("match", "all"),
            }
        super().__init__(data, initial=initial)
        self.kind = kind
        if kind != RuleKind.TRIGGER:
            del self.fields["events"]


@dataclass
class Row:
    """One condition or action row as the page shows it."""

    # Its number in the form; "__i__" in the template the page's script copies.
    index: int | str
    key: str = ""  # the field (conditions) or the action type
    op: str = ""
    value: str = ""
    text: str = ""
    secret: str = ""
    errors: list[str] = field(default_factory=list)
    # The datalist its value input suggests from.
    list_id: str = ""

    @property
    def number(self) -> str:
        return str(self.index + 1) if isinstance(self.index, int) else "__n__"

    @property
    def is_empty(self) -> bool:
        return not (self.key or self.value.strip() or self.text.strip() or self.secret.strip())


@dataclass(frozen=True)
class Names:
    """Display names of the rows rules refer to by id."""

    teams: dict[int, str]
    agents: dict[int, str]
    mailboxes: dict[int, str]
    widgets: dict[int, str]

    @classmethod
    def load(cls) -> "Names":
        return cls(
            teams=dict(Team.objects.values_list("pk", "name")),
            agents=dict(Agent.objects.values_list("pk", "username")),
            mailboxes=dict(Mailbox.objects.values_list("pk", "address")),
            widgets=dict(ChatWidget.objects.values_list("pk", "name")),
        )

    def of(self, ref: str, pk: Any) -> str:
        if pk is None:
            return "none"
        table = {
            "team": self.teams,
            "agent": self.agents,
            "mailbox": self.mailboxes,
            "widget": self.widgets,
        }[ref]
        return table.get(pk, str(pk))


def _join(values: Any) -> str:
    return ", ".join(str(v) for v in values) if isinstance(values, list | tuple) else str(values)


def condition_value_text(field_name: str, value: Any, names: Names) -> str:
    spec = FIELDS.get(field_name)
    if spec is None:
        return _join(value)
    if spec.type == FieldType.REF:
        items = value if isinstance(value, list) else [value]
        return ", ".join(names.of(spec.ref, item) for item in items)
    if spec.type == FieldType.BOOL:
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _join(value)


def action_value_text(action_type: str, value: Any, names: Names) -> str:
    spec = ACTIONS.get(action_type)
    if spec is None or value is None:
        return ""
    if spec.value == ValueKind.TEAM:
        return names.of("team", value)
    if spec.value == ValueKind.AGENT_OR_AUTO:
        return "auto" if value == "auto" else names.of("agent", value)
    if spec.value == ValueKind.RECIPIENTS:
        if isinstance(value, list):
            return ", ".join(names.of("agent", pk) for pk in value)
        return str(value)
    if spec.value == ValueKind.SKILLS and isinstance(value, dict):
        return ", ".join(f"{name}:{level}" for name, level in value.items())
    return _join(value)


def rows_of_rule(rule: Rule, names: Names) -> tuple[list[Row], list[Row]]:
    """The stored rule as rows, plus spare empty ones."""
    conditions = [
        Row(index=i, key=c.field, op=c.op, value=condition_value_text(c.field, c.value, names))
        for i, c in enumerate(load_conditions(rule.conditions).items)
    ]
    actions = [
        Row(
            index=i,
            key=a.type,
            value=action_value_text(a.type, a.value, names),
            text=a.text,
            secret=a.secret,
        )
        for i, a in enumerate(load_actions(rule.actions))
    ]
    return with_spares(conditions), with_spares(actions)


def with_spares(rows: list[Row]) -> list[Row]:
    start = len(rows)
    return rows + [Row(index=start + i) for i in range(SPARE_ROWS)]


def rows_of_post(data: QueryDict) -> tuple[list[Row], list[Row]]:
    """The rows as posted (in index order), empty ones dropped and renumbered."""
    found: dict[str, dict[int, Row]] = {"c": {}, "a": {}}
    for key in data:
        match = _ROW_KEY.match(key)
        if match:
            prefix, index = match.group(1), int(match.group(2))
            found[prefix].setdefault(index, Row(index=index))
    rows: dict[str, list[Row]] = {}
    for prefix, by_index in found.items():
        kept: list[Row] = []
        for index in sorted(by_index):
            base = f"{prefix}-{index}-"
            row = Row(
                index=0,
                key=data.get(base + ("field" if prefix == "c" else "type"), ""),
                op=data.get(base + "op", ""),
                value=data.get(base + "value", ""),
                text=data.get(base + "text", ""),
                secret=data.get(base + "secret", ""),
            )
            if not row.is_empty:
                row.index = len(kept)
                kept.append(row)
        rows[prefix] = kept
    return rows["c"], rows["a"]


def raw_rule(form: RuleForm, conditions: list[Row], actions: list[Row]) -> RawRule:
    data = form.cleaned_data
    return RawRule(
        name=data.get("name", ""),
        events=list(data.get("events", [])),
        match=data.get("match", "all"),
        conditions=[{"field": r.key, "op": r.op, "value": r.value} for r in conditions],
        actions=[
            {"type": r.key, "value": r.value, "text": r.text, "secret": r.secret} for r in actions
        ],
        is_active=bool(data.get("is_active")),
    )


def attach_errors(
    form: RuleForm, errors: list[RowError], conditions: list[Row], actions: list[Row]
) -> None:
    """Put each mistake beside its row (or its field of the form)."""
    rows = {"conditions": conditions, "actions": actions}
    for error in errors:
        if error.section in rows:
            section = rows[error.section]
            if error.index < len(section):
                section[error.index].errors.append(error.message)
            else:
                form.add_error(None, error.message)
        elif error.section in form.fields:
            form.add_error(error.section, error.message)
        else:
            form.add_error(None, error.message)


def value_choices(names: Names) -> dict[str, list[tuple[str, str]]]:
    """What each value input suggests (the page's datalists), by list id."""
    lists: dict[str, list[tuple[str, str]]] = {}
    for name in ("channel", "priority", "status", "intent", "language"):
        lists[name] = list(choice_labels(name).items())
    lists["team"] = [("none", str(_("No team")))] + [(n, n) for n in names.teams.values()]
    lists["agent"] = [("none", str(_("Nobody")))] + [(n, n) for n in names.agents.values()]
    lists["agent_or_auto"] = [("auto", str(_("The team's queue")))] + [
        (n, n) for n in names.agents.values()
    ]
    lists["recipients"] = [
        ("assignee", str(_("The assignee"))),
        ("team", str(_("The ticket's team"))),
    ] + [(n, n) for n in names.agents.values()]
    lists["mailbox"] = [(n, n) for n in names.mailboxes.values()]
    lists["widget"] = [(n, n) for n in names.widgets.values()]
    lists["bool"] = [("yes", str(_("Yes"))), ("no", str(_("No")))]
    return lists


def datalist_for_field(field_name: str) -> str:
    spec = FIELDS.get(field_name)
    if spec is None:
        return ""
    if spec.type == FieldType.REF:
        return spec.ref
    if spec.type == FieldType.CHOICE:
        return spec.name
    if spec.type == FieldType.BOOL:
        return "bool"
    return ""


def datalist_for_action(action_type: str) -> str:
    spec = ACTIONS.get(action_type)
    if spec is None:
        return ""
    return {
        ValueKind.PRIORITY: "priority",
        ValueKind.STATUS: "status",
        ValueKind.TEAM: "team",
        ValueKind.AGENT_OR_AUTO: "agent_or_auto",
        ValueKind.RECIPIENTS: "recipients",
    }.get(spec.value, "")

"""Automations in the console (supervisors and admins: MANAGE_TEAM): the three lists
(routing rules, triggers, timed rules) with their order, on/off switch and delete, and the
rule builder with a preview of the latest tickets it matches. Writes go through
sapa.automations.actions."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission
from sapa.automations import actions, queries
from sapa.automations.catalog import (
    ACTIONS,
    FIELDS,
    OP_LABELS,
    OPS,
    TRIGGER_EVENTS,
    VALUE_HINTS,
    FieldType,
    Op,
    ValueKind,
    actions_for,
    fields_for,
)
from sapa.automations.conditions import matches
from sapa.automations.definitions import choice_labels, load_actions, load_conditions, parse_rule
from sapa.automations.exceptions import InvalidRule
from sapa.automations.facts import load_facts
from sapa.automations.models import Rule, RuleKind
from sapa.conversations.models import Ticket
from sapa.core.actors import Actor
from sapa.web.automation_forms import (
    Names,
    Row,
    RuleForm,
    action_value_text,
    attach_errors,
    condition_value_text,
    datalist_for_action,
    datalist_for_field,
    raw_rule,
    rows_of_post,
    rows_of_rule,
    value_choices,
    with_spares,
)
from sapa.web.views.access import agent_with, found

KIND_TITLES = {
    RuleKind.ROUTING: gettext_lazy("Routing rules"),
    RuleKind.TRIGGER: gettext_lazy("Triggers"),
    RuleKind.SCHEDULED: gettext_lazy("Timed rules"),
}
NEW_TITLES = {
    RuleKind.ROUTING: gettext_lazy("New routing rule"),
    RuleKind.TRIGGER: gettext_lazy("New trigger"),
    RuleKind.SCHEDULED: gettext_lazy("New timed rule"),
}
KIND_HINTS = {
    RuleKind.ROUTING: gettext_lazy(
        "Checked on every new and re-opened ticket, top to bottom: the first rule that "
        "matches sets the team, the skills an agent needs, the priority and tags."
    ),
    RuleKind.TRIGGER: gettext_lazy(
        "Run when something happens to a ticket; every trigger that matches runs, top to bottom."
    ),
    RuleKind.SCHEDULED: gettext_lazy(
        "Checked by the worker every five minutes; each runs once per ticket and status period."
    ),
}


@dataclass(frozen=True)
class RuleLine:
    rule: Rule
    events: str
    conditions: str
    actions: str
    first: bool
    last: bool


def _value_label(field_name: str, text: str) -> str:
    labels = choice_labels(field_name)
    return ", ".join(labels.get(part.strip(), part.strip()) for part in text.split(","))


def describe_conditions(rule: Rule, names: Names) -> str:
    parsed = load_conditions(rule.conditions)
    parts = []
    for item in parsed.items:
        spec = FIELDS.get(item.field)
        if spec is None:
            continue
        value = condition_value_text(item.field, item.value, names)
        if spec.type == FieldType.CHOICE:
            value = _value_label(item.field, value)
        op = OP_LABELS.get(Op(item.op), item.op) if item.op in set(Op) else item.op
        parts.append(f"{spec.label} {op} {value}")
    if not parts:
        return _("Every ticket")
    joiner = _(" and ") if parsed.match == "all" else _(" or ")
    return joiner.join(parts)


def describe_actions(rule: Rule, names: Names) -> str:
    parts = []
    for action in load_actions(rule.actions):
        spec = ACTIONS.get(action.type)
        if spec is None:
            continue
        value = action_value_text(action.type, action.value, names)
        if spec.value in (ValueKind.PRIORITY, ValueKind.STATUS):
            value = _value_label(spec.value, value)
        parts.append(f"{spec.label}: {value}" if value else str(spec.label))
    return "; ".join(parts)


def _manager(request: HttpRequest) -> Agent:
    return agent_with(request, Permission.MANAGE_TEAM)


@login_required
@require_GET
def automations(request: HttpRequest) -> HttpResponse:
    _manager(request)
    names = Names.load()
    sections = []
    for kind in RuleKind:
        rules = list(queries.list_rules(kind))
        lines = [
            RuleLine(
                rule=rule,
                events=", ".join(str(TRIGGER_EVENTS.get(e, e)) for e in rule.events),
                conditions=describe_conditions(rule, names),
                actions=describe_actions(rule, names),
                first=index == 0,
                last=index == len(rules) - 1,
            )
            for index, rule in enumerate(rules)
        ]
        sections.append(
            {
                "kind": kind,
                "title": KIND_TITLES[kind],
                "new_title": NEW_TITLES[kind],
                "hint": KIND_HINTS[kind],
                "lines": lines,
            }
        )
    context = {"section": "automations", "sections": sections}
    return render(request, "web/manage/automations.html", context)


def _preview(rule: Rule) -> list[Ticket]:
    """Which of the latest tickets the saved rule's conditions match now (intent aside)."""
    conditions = load_conditions(rule.conditions)
    return [t for t in queries.preview_tickets() if matches(conditions, load_facts(t))]


def _builder(
    request: HttpRequest, agent: Agent, *, kind: RuleKind, rule: Rule | None
) -> HttpResponse:
    names = Names.load()
    form = RuleForm(request.POST if request.method == "POST" else None, kind=kind, rule=rule)
    if request.method == "POST":
        conditions, rule_actions = rows_of_post(request.POST)
        if form.is_valid():
            try:
                draft = parse_rule(kind, raw_rule(form, conditions, rule_actions))
            except InvalidRule as error:
                attach_errors(form, error.errors, conditions, rule_actions)
            else:
                saved = actions.save_rule(draft, actor=Actor.for_agent(agent), rule=rule)
                messages.success(request, _("Rule %(name)s was saved.") % {"name": saved.name})
                return redirect("web:manage_automation", rule_id=saved.pk)
        conditions, rule_actions = with_spares(conditions), with_spares(rule_actions)
    elif rule is not None:
        conditions, rule_actions = rows_of_rule(rule, names)
    else:
        conditions, rule_actions = with_spares([]), with_spares([])
    for row in conditions:
        row.list_id = datalist_for_field(row.key)
    for row in rule_actions:
        row.list_id = datalist_for_action(row.key)
    has_row_errors = any(row.errors for row in (*conditions, *rule_actions))
    field_options = [
        {
            "name": spec.name,
            "label": spec.label,
            "ops": " ".join(OPS[spec.type]),
            "list": datalist_for_field(spec.name),
        }
        for spec in fields_for(kind)
    ]
    action_options = [
        {
            "name": spec.name,
            "label": spec.label,
            "list": datalist_for_action(spec.name),
            "hint": VALUE_HINTS.get(spec.value, ""),
            "has_value": spec.value != ValueKind.NONE,
            "needs_text": spec.needs_text,
            "needs_secret": spec.needs_secret,
        }
        for spec in actions_for(kind)
    ]
    context = {
        "section": "automations",
        "kind": kind,
        "kind_title": KIND_TITLES[kind],
        "new_title": NEW_TITLES[kind],
        "kind_hint": KIND_HINTS[kind],
        "rule": rule,
        "form": form,
        "condition_rows": conditions,
        "action_rows": rule_actions,
        "field_options": field_options,
        "ops": list(OP_LABELS.items()),
        "action_options": action_options,
        "value_lists": value_choices(names),
        "preview": _preview(rule) if rule is not None and request.method == "GET" else None,
        "runs": queries.recent_runs(rule) if rule is not None else [],
        "condition_template": Row(index="__i__"),
        "action_template": Row(index="__i__"),
    }
    failed = form.errors or has_row_errors
    return render(request, "web/manage/automation.html", context, status=422 if failed else 200)


@login_required
def rule_new(request: HttpRequest, kind: str) -> HttpResponse:
    agent = _manager(request)
    if kind not in RuleKind.values:
        raise Http404()
    return _builder(request, agent, kind=RuleKind(kind), rule=None)


@login_required
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    agent = _manager(request)
    rule = found(Rule.objects.all(), rule_id)
    return _builder(request, agent, kind=RuleKind(rule.kind), rule=rule)


@login_required
@require_POST
def rule_move(request: HttpRequest, rule_id: int) -> HttpResponse:
    agent = _manager(request)
    rule = found(Rule.objects.all(), rule_id)
    actions.move_rule(rule, up=request.POST.get("direction") == "up", actor=Actor.for_agent(agent))
    return redirect("web:manage_automations")


@login_required
@require_POST
def rule_active(request: HttpRequest, rule_id: int) -> HttpResponse:
    agent = _manager(request)
    rule = found(Rule.objects.all(), rule_id)
    is_active = request.POST.get("is_active") == "1"
    actions.set_rule_active(rule, is_active=is_active, actor=Actor.for_agent(agent))
    message = (
        _("Rule %(name)s was switched on.") if is_active else _("Rule %(name)s was switched off.")
    )
    messages.success(request, message % {"name": rule.name})
    return redirect("web:manage_automations")


@login_required
@require_POST
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    agent = _manager(request)
    rule = found(Rule.objects.all(), rule_id)
    name = rule.name
    actions.delete_rule(rule, actor=Actor.for_agent(agent))
    messages.success(request, _("Rule %(name)s was deleted.") % {"name": name})
    return redirect("web:manage_automations")

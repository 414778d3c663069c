"""What a rule may say: the condition fields with their operators, the events triggers run
on, and the actions of each kind of rule. The console's builder and the validation in
sapa.automations.definitions both read these tables."""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sapa.automations.models import RuleKind


class FieldType(StrEnum):
    CHOICE = "choice"  # one of fixed values (channel, priority, status, intent, language)
    REF = "ref"  # a row: team, agent, mailbox, chat widget (stored as its id)
    TEXT = "text"  # words of the customer's message, matched after sapa.textid
    SET = "set"  # tags
    BOOL = "bool"
    NUMBER = "number"  # integer minor units (order value)
    HOURS = "hours"  # time since something, timed rules only


class Op(StrEnum):
    IS = "is"
    IS_NOT = "is_not"
    IN = "in"
    CONTAINS_ANY = "contains_any"
    CONTAINS_NONE = "contains_none"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"


OP_LABELS: dict[Op, Promise] = {
    Op.IS: _("is"),
    Op.IS_NOT: _("is not"),
    Op.IN: _("is one of"),
    Op.CONTAINS_ANY: _("has any of"),
    Op.CONTAINS_NONE: _("has none of"),
    Op.GT: _("more than"),
    Op.GTE: _("at least"),
    Op.LT: _("less than"),
    Op.LTE: _("at most"),
}

OPS: dict[FieldType, tuple[Op, ...]] = {
    FieldType.CHOICE: (Op.IS, Op.IS_NOT, Op.IN),
    FieldType.REF: (Op.IS, Op.IS_NOT, Op.IN),
    FieldType.TEXT: (Op.CONTAINS_ANY, Op.CONTAINS_NONE),
    FieldType.SET: (Op.CONTAINS_ANY, Op.CONTAINS_NONE),
    FieldType.BOOL: (Op.IS,),
    FieldType.NUMBER: (Op.GTE, Op.GT, Op.LTE, Op.LT),
    FieldType.HOURS: (Op.GTE, Op.LT),
}

ALL_KINDS = frozenset(RuleKind)
EVENT_KINDS = frozenset({RuleKind.ROUTING, RuleKind.TRIGGER})


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Promise
    type: FieldType
    kinds: frozenset[RuleKind] = ALL_KINDS
    # REF fields: the model the id names ("team", "agent", "mailbox", "widget"), and whether
    # "none" (no team, nobody) is a value.
    ref: str = ""
    allows_none: bool = False


_FIELD_LIST = (
    FieldSpec("channel", _("Channel"), FieldType.CHOICE),
    FieldSpec("mailbox", _("Email mailbox"), FieldType.REF, ref="mailbox"),
    FieldSpec("widget", _("Chat widget"), FieldType.REF, ref="widget"),
    FieldSpec("text", _("Message text"), FieldType.TEXT),
    FieldSpec("subject", _("Subject"), FieldType.TEXT),
    FieldSpec("intent", _("Intent of the message"), FieldType.CHOICE, kinds=EVENT_KINDS),
    FieldSpec("language", _("Language"), FieldType.CHOICE),
    FieldSpec("customer_tags", _("Customer tags"), FieldType.SET),
    FieldSpec("vip", _("VIP customer"), FieldType.BOOL),
    FieldSpec("order_value", _("Latest order value"), FieldType.NUMBER),
    FieldSpec("priority", _("Priority"), FieldType.CHOICE),
    FieldSpec("status", _("Status"), FieldType.CHOICE),
    FieldSpec("ticket_tags", _("Ticket tags"), FieldType.SET),
    FieldSpec("team", _("Team"), FieldType.REF, ref="team", allows_none=True),
    FieldSpec("assignee", _("Assignee"), FieldType.REF, ref="agent", allows_none=True),
    FieldSpec(
        "hours_since_created",
        _("Hours since created"),
        FieldType.HOURS,
        kinds=frozenset({RuleKind.SCHEDULED}),
    ),
    FieldSpec(
        "hours_since_status_change",
        _("Hours since the status changed"),
        FieldType.HOURS,
        kinds=frozenset({RuleKind.SCHEDULED}),
    ),
    FieldSpec(
        "hours_since_customer_message",
        _("Hours since the customer wrote"),
        FieldType.HOURS,
        kinds=frozenset({RuleKind.SCHEDULED}),
    ),
    FieldSpec(
        "hours_since_solved",
        _("Hours since solved"),
        FieldType.HOURS,
        kinds=frozenset({RuleKind.SCHEDULED}),
    ),
)
FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in _FIELD_LIST}

# The bot's intents (sapa.bot.nlu.intents.INTENTS; a test keeps the two equal), named here
# so that the console does not load the classifier to draw a select.
INTENT_LABELS: dict[str, Promise] = {
    "order_status": _("Order status"),
    "faq": _("Question the help center answers"),
    "human": _("Asks for a person"),
    "complaint": _("Complaint"),
    "greeting": _("Greeting"),
    "thanks": _("Thanks"),
    "goodbye": _("Goodbye"),
    "out_of_scope": _("Other question"),
}
LANGUAGE_LABELS: dict[str, Promise] = {"id": _("Indonesian"), "en": _("English")}

# What triggers run on. "ticket.updated" stands for a change of status, priority, team,
# assignee or tags (see handlers.TRIGGER_EVENT).
TRIGGER_EVENTS: dict[str, Promise] = {
    "ticket.created": _("Ticket created"),
    "ticket.updated": _("Ticket updated"),
    "message.received": _("Message received"),
    "sla.warning": _("SLA target soon due"),
    "sla.breached": _("SLA target missed"),
    "survey.answered": _("Survey answered"),
    "promise.due": _("Promise due"),
}


class ValueKind(StrEnum):
    """What an action's `value` holds."""

    NONE = "none"
    PRIORITY = "priority"
    STATUS = "status"
    TEAM = "team"
    AGENT_OR_AUTO = "agent_or_auto"
    TAGS = "tags"
    SKILLS = "skills"
    RECIPIENTS = "recipients"
    URL = "url"


@dataclass(frozen=True)
class ActionSpec:
    name: str
    label: Promise
    value: ValueKind
    kinds: frozenset[RuleKind]
    needs_text: bool = False
    needs_secret: bool = False


ROUTING_ONLY = frozenset({RuleKind.ROUTING})
NOT_ROUTING = frozenset({RuleKind.TRIGGER, RuleKind.SCHEDULED})

_ACTION_LIST = (
    ActionSpec("set_team", _("Set team"), ValueKind.TEAM, ALL_KINDS),
    ActionSpec("set_priority", _("Set priority"), ValueKind.PRIORITY, ALL_KINDS),
    ActionSpec("add_tags", _("Add tags"), ValueKind.TAGS, ALL_KINDS),
    ActionSpec("required_skills", _("Require skills"), ValueKind.SKILLS, ROUTING_ONLY),
    ActionSpec("set_status", _("Set status"), ValueKind.STATUS, NOT_ROUTING),
    ActionSpec("assign", _("Assign to"), ValueKind.AGENT_OR_AUTO, NOT_ROUTING),
    ActionSpec("remove_tags", _("Remove tags"), ValueKind.TAGS, NOT_ROUTING),
    ActionSpec("send_reply", _("Send a reply"), ValueKind.NONE, NOT_ROUTING, needs_text=True),
    ActionSpec("notify", _("Notify agents"), ValueKind.RECIPIENTS, NOT_ROUTING),
    ActionSpec("add_note", _("Add an internal note"), ValueKind.NONE, NOT_ROUTING, needs_text=True),
    ActionSpec("call_webhook", _("Call a webhook"), ValueKind.URL, NOT_ROUTING, needs_secret=True),
)
ACTIONS: dict[str, ActionSpec] = {spec.name: spec for spec in _ACTION_LIST}

# Hint shown beside an action's value input (what to type there).
VALUE_HINTS: dict[ValueKind, Promise] = {
    ValueKind.PRIORITY: _("low, normal, high or urgent"),
    ValueKind.STATUS: _("open, pending, on hold, solved or closed"),
    ValueKind.TEAM: _("a team's name"),
    ValueKind.AGENT_OR_AUTO: _("an agent's username, or auto (the team's queue decides)"),
    ValueKind.TAGS: _("tags, separated by commas"),
    ValueKind.SKILLS: _("skill:level, separated by commas (pembayaran:3)"),
    ValueKind.RECIPIENTS: _("assignee, team, or usernames separated by commas"),
    ValueKind.URL: _("https:// address"),
}


def fields_for(kind: RuleKind) -> list[FieldSpec]:
    return [spec for spec in _FIELD_LIST if kind in spec.kinds]


def actions_for(kind: RuleKind) -> list[ActionSpec]:
    return [spec for spec in _ACTION_LIST if kind in spec.kinds]

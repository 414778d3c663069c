"""Validating a rule: values written as in the console become typed values, and every
mistake names its row."""

import pytest

from sapa.accounts.models import Skill
from sapa.automations.definitions import RawRule, parse_rule
from sapa.automations.exceptions import InvalidRule
from sapa.automations.models import RuleKind
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _errors(kind, raw):
    with pytest.raises(InvalidRule) as caught:
        parse_rule(kind, raw)
    return [(e.section, e.index, e.message) for e in caught.value.errors]


def test_console_text_becomes_typed_values():
    """Names, labels, comma lists, "3d" and "Rp500.000" are read into ids and numbers."""
    # given: a team, an agent and a skill
    team = TeamFactory(name="Pembayaran", slug="pembayaran")
    agent = AgentFactory(username="rina")
    Skill.objects.create(name="retur")

    # when: a trigger written as the console sends it
    draft = parse_rule(
        RuleKind.TRIGGER,
        RawRule(
            name="  Refund WhatsApp ",
            events=["message.received"],
            conditions=[
                {"field": "channel", "op": "is", "value": "WhatsApp"},
                {"field": "text", "op": "contains_any", "value": "Refund, pengembalian dana"},
                {"field": "order_value", "op": "gte", "value": "Rp500.000"},
                {"field": "team", "op": "is", "value": "none"},
                {"field": "customer_tags", "op": "contains_any", "value": "VIP Pelanggan, gold"},
                {"field": "priority", "op": "in", "value": "high, Urgent"},
                {"field": "status", "op": "is_not", "value": "On hold"},
            ],
            actions=[
                {"type": "set_team", "value": "pembayaran"},
                {"type": "add_tags", "value": "refund"},
                {"type": "assign", "value": "rina"},
                {"type": "notify", "value": "team"},
                {"type": "send_reply", "text": " Halo {{ customer.first_name }} "},
            ],
        ),
    )

    # then
    assert draft.name == "Refund WhatsApp"
    assert [(c.field, c.op, c.value) for c in draft.conditions.items] == [
        ("channel", "is", "whatsapp"),
        ("text", "contains_any", ["refund", "pengembalian dana"]),
        ("order_value", "gte", 500000),
        ("team", "is", None),
        ("customer_tags", "contains_any", ["gold", "vip-pelanggan"]),
        ("priority", "in", ["high", "urgent"]),
        ("status", "is_not", "on_hold"),
    ]
    assert [(a.type, a.value, a.text) for a in draft.actions] == [
        ("set_team", team.pk, ""),
        ("add_tags", ["refund"], ""),
        ("assign", agent.pk, ""),
        ("notify", "team", ""),
        ("send_reply", None, "Halo {{ customer.first_name }}"),
    ]

    # and: routing rules take required skills, timed rules read days as hours
    routing = parse_rule(
        RuleKind.ROUTING,
        RawRule(name="Retur", actions=[{"type": "required_skills", "value": "retur:4"}]),
    )
    assert routing.actions[0].value == {"retur": 4}
    timed = parse_rule(
        RuleKind.SCHEDULED,
        RawRule(
            name="Tutup",
            conditions=[{"field": "hours_since_solved", "op": "gte", "value": "4d"}],
            actions=[{"type": "set_status", "value": "closed"}],
        ),
    )
    assert timed.conditions.items[0].value == 96.0


def test_every_mistake_names_its_row():
    """Unknown fields and values, wrong operators, missing text and secrets, and fields or
    actions of another kind of rule are each reported with the row's number."""
    # given: a trigger full of mistakes
    raw = RawRule(
        name="",
        events=[],
        conditions=[
            {"field": "channel", "op": "is", "value": "whatsapp"},
            {"field": "weather", "op": "is", "value": "rain"},
            {"field": "channel", "op": "gte", "value": "email"},
            {"field": "team", "op": "is", "value": "Tim Hantu"},
            {"field": "hours_since_solved", "op": "gte", "value": 3},
        ],
        actions=[
            {"type": "required_skills", "value": "retur:3"},
            {"type": "send_reply", "text": ""},
            {"type": "call_webhook", "value": "ftp://x.example", "secret": "short"},
            {"type": "set_status", "value": "new"},
        ],
    )

    # when / then
    assert _errors(RuleKind.TRIGGER, raw) == [
        ("name", 0, "A rule needs a name of at most 120 characters."),
        ("events", 0, "Choose the events the trigger runs on."),
        ("conditions", 1, "Condition 2: unknown field."),
        ("conditions", 2, "Condition 3: this operator does not fit the field."),
        ("conditions", 3, "Condition 4: nothing called “Tim Hantu”."),
        ("conditions", 4, "Condition 5: this field cannot be used in this kind of rule."),
        ("actions", 0, "Action 1: this action cannot be used in this kind of rule."),
        ("actions", 1, "Action 2: the text is missing."),
        ("actions", 2, "Action 3: Only http:// and https:// URLs can receive webhooks."),
        ("actions", 3, "Action 4: a ticket never goes back to new."),
    ]


def test_a_timed_rule_needs_an_hours_condition_and_every_rule_an_action():
    """Without an hours condition a timed rule would act on every ticket at once."""
    raw = RawRule(name="Semua", conditions=[{"field": "status", "op": "is", "value": "pending"}])
    assert _errors(RuleKind.SCHEDULED, raw) == [
        ("actions", 0, "A rule needs at least one action."),
        (
            "conditions",
            1,
            "A timed rule needs a condition on hours (for example, hours since solved).",
        ),
    ]


def test_webhook_secret_must_be_long_enough():
    """A signed webhook needs a secret of at least 16 characters."""
    raw = RawRule(
        name="Kirim",
        events=["ticket.created"],
        actions=[
            {"type": "call_webhook", "value": "https://hooks.example.com/x", "secret": "pendek"}
        ],
    )
    assert _errors(RuleKind.TRIGGER, raw) == [
        ("actions", 0, "Action 1: the signing secret needs at least 16 characters."),
    ]


def test_the_builder_knows_every_intent_of_the_bot():
    """The intent select lists exactly the bot's intents."""
    from sapa.automations.catalog import INTENT_LABELS
    from sapa.bot.nlu.intents import INTENTS

    assert tuple(INTENT_LABELS) == INTENTS

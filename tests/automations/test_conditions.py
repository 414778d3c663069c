"""Conditions against a ticket's facts: every field and operator, and keywords matched
after sapa.textid (slang, stemming, clitics). Pure: no database."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from sapa.automations.conditions import holds, matches, mentions
from sapa.automations.definitions import Condition, ConditionSet
from sapa.automations.facts import TicketFacts

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

FACTS = TicketFacts(
    ticket_id=1,
    now=NOW,
    channel="whatsapp",
    mailbox_id=None,
    widget_id=7,
    text="min mau refund dong, barangnya rusak",
    subject="Barang rusak",
    language="id",
    intent="complaint",
    customer_tags=frozenset({"vip", "reseller"}),
    is_vip=True,
    order_value=750_000,
    priority="high",
    status="pending",
    ticket_tags=frozenset({"retur"}),
    team_id=3,
    assignee_id=None,
    created_at=NOW - timedelta(days=5),
    status_changed_at=NOW - timedelta(hours=80),
    status_marker=42,
    last_customer_message_at=NOW - timedelta(hours=90),
    solved_at=None,
)


@pytest.mark.parametrize(
    ("field", "op", "value", "expected"),
    [
        ("channel", "is", "whatsapp", True),
        ("channel", "is", "email", False),
        ("channel", "is_not", "email", True),
        ("channel", "in", ["email", "whatsapp"], True),
        ("mailbox", "is", 5, False),
        ("widget", "is", 7, True),
        ("widget", "in", [1, 2], False),
        ("intent", "is", "complaint", True),
        ("language", "is", "en", False),
        ("customer_tags", "contains_any", ["vip", "gold"], True),
        ("customer_tags", "contains_none", ["vip"], False),
        ("customer_tags", "contains_none", ["blacklist"], True),
        ("vip", "is", True, True),
        ("vip", "is", False, False),
        ("order_value", "gte", 750_000, True),
        ("order_value", "gt", 750_000, False),
        ("order_value", "lt", 1_000_000, True),
        ("order_value", "lte", 500_000, False),
        ("priority", "in", ["high", "urgent"], True),
        ("status", "is", "pending", True),
        ("status", "is_not", "pending", False),
        ("ticket_tags", "contains_any", ["retur"], True),
        ("team", "is", 3, True),
        ("team", "is", None, False),
        ("assignee", "is", None, True),
        ("assignee", "is_not", None, False),
        ("subject", "contains_any", ["rusak"], True),
        ("subject", "contains_any", ["refund"], False),
        ("text", "contains_any", ["ongkir", "refund"], True),
        ("text", "contains_none", ["refund"], False),
        ("hours_since_created", "gte", 120, True),
        ("hours_since_created", "lt", 120, False),
        ("hours_since_status_change", "gte", 72, True),
        ("hours_since_status_change", "gte", 81, False),
        ("hours_since_customer_message", "gte", 90, True),
        ("hours_since_solved", "gte", 1, False),
    ],
)
def test_each_field_and_operator(field, op, value, expected):
    """Each field reads its fact, and each operator compares as its name says."""
    # given: a condition on the field
    condition = Condition(field=field, op=op, value=value)

    # when / then
    assert holds(condition, FACTS) is expected


def test_missing_order_value_never_matches_a_comparison():
    """A customer without orders matches neither "at least" nor "less than"."""
    # given: no orders
    facts = replace(FACTS, order_value=None)

    # then
    assert holds(Condition("order_value", "gte", 0), facts) is False
    assert holds(Condition("order_value", "lt", 10), facts) is False


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("min mau refund dong", "refund"),
        ("REFUNDNYA kapan masuk?", "refund"),
        ("refund-nya gmn kak", "refund"),
        ("Refund!!! sekarang", "refund"),
        ("dananya belum dikembalikan", "pengembalian dana"),
        ("saya minta pengembalian dana", "refund"),
        ("ongkirnya mahal bgt", "ongkos kirim"),
        ("paket blm sampe", "belum sampai"),
        ("kapan dikirim?", "kirim"),
        ("I want a refund please", "refund"),
        ("my orders are late", "order"),
    ],
)
def test_keywords_are_found_after_normalisation_slang_and_stemming(text, keyword):
    """The keyword meets the text's words however they are written: case, clitics,
    hyphens, slang, Indonesian affixes, English plurals."""
    assert mentions(text, keyword) is True


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("mau tanya ukuran", "refund"),
        ("paket sudah sampai", "belum sampai"),
        ("", "refund"),
    ],
)
def test_keywords_that_are_not_there_do_not_match(text, keyword):
    """A keyword matches only when all its words occur."""
    assert mentions(text, keyword) is False


def test_all_needs_every_condition_and_any_needs_one():
    """match "all" is a conjunction, "any" a disjunction; no conditions match always."""
    # given: one condition that holds and one that does not
    items = (Condition("channel", "is", "whatsapp"), Condition("channel", "is", "email"))

    # then
    assert matches(ConditionSet("all", items), FACTS) is False
    assert matches(ConditionSet("any", items), FACTS) is True
    assert matches(ConditionSet("all", ()), FACTS) is True


def test_unknown_fields_and_operators_never_hold():
    """A stored row this version does not know fails closed."""
    assert holds(Condition("weather", "is", "rain"), FACTS) is False
    assert holds(Condition("channel", "resembles", "whatsapp"), FACTS) is False

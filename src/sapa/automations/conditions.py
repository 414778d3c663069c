"""Whether a rule's conditions hold for a ticket's facts. Pure: no database, no clock
(the facts carry `now`).

Keywords are matched the way search matches words: the message and each keyword go
through sapa.textid (normalised, slang expanded, stemmed), so the keyword "refund" finds
"REFUND", "refundnya" and "refund-nya", and "pengembalian dana" finds "dananya belum
dikembalikan". A keyword of several words matches when all of its words occur.
"""

from datetime import datetime
from functools import lru_cache
from typing import Any

from sapa.automations.catalog import FIELDS, FieldType, Op
from sapa.automations.definitions import Condition, ConditionSet
from sapa.automations.facts import TicketFacts
from sapa.textid import analyse, expand_slang, stem

# Clitics Sastrawi leaves on words it does not know ("refundnya", "cod-nya").
_CLITICS = ("nya", "lah", "kah", "pun")


def _variants(word: str) -> set[str]:
    forms = {word, *word.split("-")}
    for form in list(forms):
        for clitic in _CLITICS:
            if form.endswith(clitic) and len(form) - len(clitic) >= 3:
                forms.add(form[: -len(clitic)].rstrip("-"))
    return forms - {""}


@lru_cache(maxsize=2048)
def text_terms(text: str) -> frozenset[str]:
    """Every form of the text's words a keyword may meet: as written (normalised, slang
    expanded), stemmed for the detected language, stemmed as Indonesian, and without the
    clitics and hyphens Sastrawi keeps on words outside its dictionary."""
    if not text.strip():
        return frozenset()
    detected = analyse(text)
    as_indonesian = detected if detected.language == "id" else analyse(text, language="id")
    terms = set(detected.words) | set(detected.terms) | set(as_indonesian.terms)
    for word in list(terms):
        variants = _variants(word) - {word}
        if variants:
            terms |= variants | set(expand_slang(sorted(variants)))
            terms |= {stem(variant) for variant in variants}
    return frozenset(terms)


@lru_cache(maxsize=1024)
def keyword_forms(keyword: str) -> tuple[frozenset[str], ...]:
    """The ways a keyword can be found: its Indonesian stems, its English stems, its
    words as written (any one of which, complete, is a match)."""
    forms = []
    for language in ("id", "en"):
        analysis = analyse(keyword, language=language)
        if analysis.terms:
            forms.append(frozenset(analysis.terms))
        if analysis.words:
            forms.append(frozenset(analysis.words))
    return tuple(dict.fromkeys(forms))


def mentions(text: str, keyword: str) -> bool:
    terms = text_terms(text)
    return any(form <= terms for form in keyword_forms(keyword))


def _hours_since(moment: datetime | None, now: datetime) -> float | None:
    if moment is None:
        return None
    return (now - moment).total_seconds() / 3600


def field_value(field_name: str, facts: TicketFacts) -> Any:
    """What the ticket's facts say for `field_name`."""
    hours = {
        "hours_since_created": facts.created_at,
        "hours_since_status_change": facts.status_changed_at,
        "hours_since_customer_message": facts.last_customer_message_at,
        "hours_since_solved": facts.solved_at,
    }
    if field_name in hours:
        return _hours_since(hours[field_name], facts.now)
    values: dict[str, Any] = {
        "channel": facts.channel,
        "mailbox": facts.mailbox_id,
        "widget": facts.widget_id,
        "text": f"{facts.subject}\n{facts.text}",
        "subject": facts.subject,
        "intent": facts.intent,
        "language": facts.language,
        "customer_tags": facts.customer_tags,
        "vip": facts.is_vip,
        "order_value": facts.order_value,
        "priority": facts.priority,
        "status": facts.status,
        "ticket_tags": facts.ticket_tags,
        "team": facts.team_id,
        "assignee": facts.assignee_id,
    }
    return values.get(field_name)


def _compare(op: str, actual: float | int | None, wanted: Any) -> bool:
    if actual is None or isinstance(wanted, bool) or not isinstance(wanted, int | float):
        return False
    return {
        Op.GT: actual > wanted,
        Op.GTE: actual >= wanted,
        Op.LT: actual < wanted,
        Op.LTE: actual <= wanted,
        Op.IS: actual == wanted,
    }.get(Op(op), False)


def holds(condition: Condition, facts: TicketFacts) -> bool:
    """Whether one condition holds. Unknown fields and operators never hold."""
    spec = FIELDS.get(condition.field)
    if spec is None or condition.op not in set(Op):
        return False
    actual = field_value(condition.field, facts)
    wanted = condition.value
    op = Op(condition.op)
    if spec.type == FieldType.TEXT:
        found = any(mentions(actual, str(keyword)) for keyword in wanted or [])
        return found if op == Op.CONTAINS_ANY else not found
    if spec.type == FieldType.SET:
        common = bool(set(wanted or []) & actual)
        return common if op == Op.CONTAINS_ANY else not common
    if spec.type in (FieldType.NUMBER, FieldType.HOURS):
        return _compare(op, actual, wanted)
    if op == Op.IN:
        return actual in (wanted or [])
    if op == Op.IS_NOT:
        return bool(actual != wanted)
    return bool(actual == wanted)


def matches(conditions: ConditionSet, facts: TicketFacts) -> bool:
    """Whether the conditions hold ("all" or "any" of them); no conditions always match."""
    if not conditions.items:
        return True
    results = (holds(item, facts) for item in conditions.items)
    return all(results) if conditions.match == "all" else any(results)

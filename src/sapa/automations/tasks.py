"""The worker's side of automations: timed rules, every five minutes.

Each active timed rule looks at the tickets its conditions could concern (not closed;
narrowed in SQL by its status and hours conditions when all must hold), at most
TIMED_BATCH per rule and round, oldest first, skipping those it already ran on in their
current status period. A run is keyed on the rule, the ticket and the event that began
the ticket's current status, so "pending for 3 days -> remind" happens once per pending
period, however often the worker looks, and by one worker only.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sapa.automations.conditions import matches
from sapa.automations.definitions import ConditionSet, load_conditions
from sapa.automations.execution import run_rule
from sapa.automations.facts import STATUS_VERBS, load_facts
from sapa.automations.models import AutomationRun, Rule, RuleKind
from sapa.automations.queries import active_rules
from sapa.conversations.models import Ticket, TicketStatus
from sapa.core import clock
from sapa.core.models import Event

logger = logging.getLogger(__name__)

TIMED_BATCH = 200

# Hours fields and the ticket column (or annotation) each one counts from.
_SINCE = {
    "hours_since_created": "created_at",
    "hours_since_status_change": "status_since",
    "hours_since_customer_message": "last_customer_message_at",
    "hours_since_solved": "solved_at",
}


def _narrowed(
    tickets: QuerySet[Ticket], conditions: ConditionSet, now: datetime
) -> QuerySet[Ticket]:
    """Filter by what SQL can tell (only when all conditions must hold); the rest is left
    to conditions.matches."""
    if conditions.match != "all":
        return tickets
    for item in conditions.items:
        value: Any = item.value
        if item.field == "status":
            if item.op == "is":
                tickets = tickets.filter(status=value)
            elif item.op == "in":
                tickets = tickets.filter(status__in=value)
            elif item.op == "is_not":
                tickets = tickets.exclude(status=value)
        elif item.field in _SINCE and isinstance(value, int | float):
            cutoff = now - timedelta(hours=float(value))
            column = _SINCE[item.field]
            if item.op == "gte":
                tickets = tickets.filter(**{f"{column}__lte": cutoff})
            elif item.op == "lt":
                tickets = tickets.filter(**{f"{column}__gt": cutoff})
    return tickets


def timed_candidates(rule: Rule, conditions: ConditionSet, *, now: datetime) -> QuerySet[Ticket]:
    """Tickets `rule` may concern and has not run on in their current status period."""
    status_events = Event.objects.filter(
        subject_type="ticket", subject_id=OuterRef("pk"), verb__in=STATUS_VERBS
    ).order_by("-at", "-pk")
    annotated: QuerySet[Ticket] = Ticket.objects.exclude(status=TicketStatus.CLOSED).annotate(
        status_marker=Coalesce(Subquery(status_events.values("pk")[:1]), Value(0)),
        status_since=Coalesce(Subquery(status_events.values("at")[:1]), F("created_at")),
    )
    tickets = _narrowed(annotated, conditions, now)
    ran = AutomationRun.objects.filter(
        rule=rule, ticket=OuterRef("pk"), event_id=OuterRef("status_marker")
    )
    return tickets.exclude(Exists(ran)).order_by("pk")


def run_timed_rule(rule: Rule, *, limit: int = TIMED_BATCH) -> int:
    """Run one timed rule on the tickets it matches now (at most `limit`); return how many
    runs were made."""
    conditions = load_conditions(rule.conditions)
    now = clock.now()
    made = 0
    for ticket in timed_candidates(rule, conditions, now=now)[:limit]:
        facts = load_facts(ticket)
        if facts.status == TicketStatus.CLOSED or not matches(conditions, facts):
            continue
        run = run_rule(
            rule,
            ticket,
            run_key=f"{rule.pk}:{ticket.pk}:{facts.status_marker}",
            event_id=facts.status_marker,
        )
        made += run is not None
    return made


def run_timed_rules() -> int:
    """One round of every active timed rule; return how many runs were made."""
    made = 0
    for rule in active_rules(RuleKind.SCHEDULED):
        try:
            made += run_timed_rule(rule)
        except Exception:  # one broken rule must not stop the others
            logger.exception("timed rule %s failed", rule.pk)
    return made


@db_periodic_task(crontab(minute="*/5"))
def run_timed_rules_task() -> None:
    run_timed_rules()

"""Named reads of the automations domain."""

from django.db.models import QuerySet

from sapa.automations.models import AutomationRun, Rule, RuleKind
from sapa.conversations.models import Ticket

# Tickets the builder's preview checks a rule against.
PREVIEW_TICKETS = 20


def list_rules(kind: RuleKind) -> QuerySet[Rule]:
    """The rules of `kind` in the order they are evaluated."""
    return Rule.objects.filter(kind=kind).order_by("position", "pk")


def active_rules(kind: RuleKind) -> QuerySet[Rule]:
    return list_rules(kind).filter(is_active=True)


def find_rule(rule_id: int) -> Rule | None:
    return Rule.objects.filter(pk=rule_id).first()


def runs_of_ticket(ticket: Ticket) -> QuerySet[AutomationRun]:
    return AutomationRun.objects.filter(ticket=ticket).order_by("at", "pk")


def recent_runs(rule: Rule, *, limit: int = 20) -> list[AutomationRun]:
    """The rule's latest runs, newest first."""
    return list(
        AutomationRun.objects.filter(rule=rule)
        .select_related("ticket")
        .order_by("-at", "-pk")[:limit]
    )


def preview_tickets() -> list[Ticket]:
    """The latest tickets, newest first, that the builder shows a rule's matches on."""
    return list(
        Ticket.objects.select_related("customer").order_by("-created_at", "-pk")[:PREVIEW_TICKETS]
    )

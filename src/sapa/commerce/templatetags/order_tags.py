"""Template filters for orders in the console: who may import, and outcome labels."""

from django import template
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission, has_permission

register = template.Library()

OUTCOME_LABELS = {
    "new": _("New"),
    "update": _("Update"),
    "created": _("Created"),
    "updated": _("Updated"),
    "unchanged": _("Unchanged"),
    "stale": _("Stale (older than what Sapa knows)"),
    "error": _("Error"),
    "failed": _("Failed"),
}


@register.filter
def can_write_orders(user: object) -> bool:
    return isinstance(user, Agent) and has_permission(user, Permission.WRITE_ORDERS)


@register.filter
def import_outcome(outcome: str) -> str:
    return str(OUTCOME_LABELS.get(outcome, outcome))

"""Routing in templates: the presence choices, and why a ticket went where it went."""

from django import template

from sapa.accounts.models import Presence
from sapa.conversations.models import Ticket
from sapa.routing.explain import describe
from sapa.routing.models import TicketRouting

register = template.Library()


@register.simple_tag
def presence_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Presence.choices]


@register.inclusion_tag("web/tickets/partials/routing_explained.html")
def ticket_routing(ticket: Ticket) -> dict[str, object]:
    routing = TicketRouting.objects.filter(ticket_id=ticket.pk).first()
    return {
        "routing": routing,
        "text": describe(routing.explanation) if routing else "",
        "skills": sorted((routing.required_skills or {}).items()) if routing else [],
    }

"""Survey results on the console's shared pages: the ticket's partial and the customer
panel's section load what they need here, so the ticket view stays unaware of them."""

from django import template

from sapa.conversations.models import Ticket
from sapa.customers.models import Customer
from sapa.surveys.models import SCALES
from sapa.surveys.queries import PanelSurveys, TicketSurvey, panel_surveys, ticket_survey

register = template.Library()


@register.simple_tag
def ticket_survey_of(ticket: Ticket) -> TicketSurvey:
    """`{% ticket_survey_of ticket as survey %}`: CSAT, CES and experience (two queries)."""
    return ticket_survey(ticket)


@register.simple_tag
def panel_surveys_of(customer: Customer) -> PanelSurveys:
    """`{% panel_surveys_of customer as surveys %}`: the latest CSAT and NPS answers."""
    return panel_surveys(customer)


@register.filter
def scale_top(kind: str) -> int:
    """The highest score of a survey kind: `{{ response.kind|scale_top }}` → 5."""
    return SCALES[kind][1]

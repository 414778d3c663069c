"""The journey on console pages: the customer panel's stage section loads what it needs
here, so the pages that include it stay unaware of it; durations for the funnel."""

from django import template
from django.utils.translation import gettext as _

from sapa.customers.models import Customer
from sapa.journey.queries import PanelJourney, panel_journey

register = template.Library()


@register.simple_tag
def panel_journey_of(customer: Customer) -> PanelJourney:
    """`{% panel_journey_of customer as journey %}`: stage, since when, the last changes
    (at most three queries)."""
    return panel_journey(customer)


@register.filter
def duration(seconds: float | None) -> str:
    """A time in a stage to one unit: "45 min", "5 h", "3.5 days"; "—" for none."""
    if seconds is None:
        return "—"
    if seconds < 3600:
        return _("%(minutes)d min") % {"minutes": max(1, round(seconds / 60))}
    if seconds < 2 * 86400:
        return _("%(hours)d h") % {"hours": round(seconds / 3600)}
    return _("%(days)s days") % {"days": f"{seconds / 86400:.1f}"}

"""Reviews on shared pages: star glyphs, the console menu's permission check and the
customer panel's list, loaded here so the pages that include them stay unaware of them."""

from django import template
from django.utils.translation import gettext as _

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission, has_permission
from sapa.customers.models import Customer
from sapa.reviews.models import Review
from sapa.reviews.queries import panel_reviews

register = template.Library()


@register.filter
def star_glyphs(stars: object) -> str:
    """ "★★★★☆" for 4 (shown aria-hidden beside words for screen readers)."""
    try:
        count = max(0, min(5, round(float(str(stars).replace(",", ".")))))
    except ValueError:
        count = 0
    return "★" * count + "☆" * (5 - count)


@register.filter
def sentiment_label(value: str) -> str:
    labels = {
        "positive": _("Positive"),
        "neutral": _("Neutral"),
        "negative": _("Negative"),
    }
    return labels.get(value, value)


@register.filter
def can_moderate_reviews(user: object) -> bool:
    return isinstance(user, Agent) and has_permission(user, Permission.MODERATE_REVIEWS)


@register.simple_tag
def panel_reviews_of(customer: Customer) -> list[Review]:
    """`{% panel_reviews_of customer as reviews %}`: the customer's reviews (one query)."""
    return panel_reviews(customer)

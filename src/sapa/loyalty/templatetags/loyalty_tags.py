"""Promo codes on console pages: the customer panel loads its codes here, so the ticket
view stays unaware of them (`{% load loyalty_tags %}`)."""

from django import template

from sapa.accounts.models import Agent
from sapa.accounts.permissions import has_permission
from sapa.customers.models import Customer
from sapa.loyalty.models import PromoCode, PromoCodeStatus
from sapa.loyalty.permissions import CHANGE_SETTINGS, MANAGE_CODES
from sapa.loyalty.queries import effective_status, panel_promo_codes
from sapa.loyalty.texts import format_money

register = template.Library()


@register.simple_tag
def promo_codes_of(customer: Customer) -> list[PromoCode]:
    """`{% promo_codes_of customer as codes %}`: the customer's usable codes (one query)."""
    return panel_promo_codes(customer)


@register.filter
def promo_discount(code: PromoCode) -> str:
    """ "10%" or "Rp25.000"."""
    if code.discount_percent is not None:
        return f"{code.discount_percent}%"
    return format_money(code.discount_minor or 0, code.currency)


@register.filter
def promo_status(code: PromoCode) -> str:
    """The status a reader should see (an active code past its time reads expired)."""
    return effective_status(code)


@register.filter
def promo_status_label(code: PromoCode) -> str:
    return str(PromoCodeStatus(effective_status(code)).label)


@register.filter
def can_manage_codes(user: object) -> bool:
    return isinstance(user, Agent) and has_permission(user, MANAGE_CODES)


@register.filter
def can_change_after_sale(user: object) -> bool:
    return isinstance(user, Agent) and has_permission(user, CHANGE_SETTINGS)

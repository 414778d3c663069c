"""Promises on the shared ticket page: the form beside the composer and the customer
panel's list load what they need here, so the ticket view stays unaware of them."""

from typing import Any

from django import template

from sapa.accounts.models import Agent
from sapa.core import clock
from sapa.customers.models import Customer
from sapa.promises.actions import may_change
from sapa.promises.models import Promise
from sapa.promises.queries import CustomerPromises, customer_promises
from sapa.web.promise_forms import QUICK_DUES, PromiseForm, default_follow_up

register = template.Library()


@register.simple_tag(takes_context=True)
def customer_promises_of(context: template.Context, customer: Customer) -> CustomerPromises:
    """`{% customer_promises_of customer as promises %}`: the customer's open promises on all
    their tickets, and kept/broken counts (two queries)."""
    agent = context["request"].user
    assert isinstance(agent, Agent)
    return customer_promises(agent, customer)


@register.simple_tag(takes_context=True)
def promise_form_for(context: template.Context, customer: Customer) -> PromiseForm:
    """`{% promise_form_for customer as form %}`: the bound form when the page is shown
    again with its errors, else a fresh one (owner: me; follow-up in the customer's
    language). No query."""
    bound = context.get("promise_form")
    if isinstance(bound, PromiseForm):
        return bound
    agent = context["request"].user
    return PromiseForm(
        initial={"owner": agent.pk, "follow_up_text": default_follow_up(customer.language)}
    )


@register.simple_tag
def quick_dues() -> tuple[tuple[str, Any], ...]:
    return QUICK_DUES


@register.filter
def is_overdue(promise: Promise) -> bool:
    return promise.due_at <= clock.now()


@register.filter
def may_settle(promise: Promise, user: object) -> bool:
    return isinstance(user, Agent) and may_change(promise, user)

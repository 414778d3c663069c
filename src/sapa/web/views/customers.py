"""The customer page: the cross-channel history, the profile, and merging duplicates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission, has_permission
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, SapaError
from sapa.customers.actions import (
    dismiss_merge_suggestion,
    merge_customers,
    set_customer_tags,
    update_customer,
)
from sapa.customers.exceptions import CustomerNotFound
from sapa.customers.models import Customer
from sapa.customers.queries import access_customer, customer_figures, open_merge_suggestions
from sapa.customers.timeline import customer_timeline
from sapa.web.forms import CustomerForm, MergeForm
from sapa.web.requests import request_agent

HISTORY_PAGE = 50


def _customer_or_404(agent: Agent, customer_id: int) -> Customer:
    try:
        return access_customer(agent, customer_id)
    except CustomerNotFound as error:
        raise Http404() from error


@login_required
def customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    agent = request_agent(request)
    found = _customer_or_404(agent, customer_id)
    if found.pk != customer_id:
        return redirect("web:customer", customer_id=found.pk)
    try:
        items, next_cursor = customer_timeline(
            agent, found, cursor=request.GET.get("cursor") or None, limit=HISTORY_PAGE
        )
    except InvalidInput:
        items, next_cursor = [], None
    form = CustomerForm(
        initial={
            "name": found.name,
            "language": found.language,
            "notes": found.notes,
            "is_internal": found.is_internal,
            "tags": " ".join(sorted(t.name for t in found.tags.all())),
        }
    )
    context = {
        "customer": found,
        "timeline": items,
        "next_cursor": next_cursor,
        "identities": sorted(found.identities.all(), key=lambda i: (i.kind, i.value)),
        "figures": customer_figures(agent, found),
        "suggestions": open_merge_suggestions(found),
        "form": form,
        "can_merge": has_permission(agent, Permission.MERGE_CUSTOMERS),
    }
    return render(request, "web/customers/customer.html", context)


@login_required
@require_POST
def edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    agent = request_agent(request)
    found = _customer_or_404(agent, customer_id)
    form = CustomerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("web:customer", customer_id=found.pk)
    data, actor = form.cleaned_data, Actor.for_agent(agent)
    update_customer(
        found,
        name=data["name"],
        language=data["language"],
        notes=data["notes"],
        is_internal=data["is_internal"],
        actor=actor,
    )
    set_customer_tags(found, names=data["tags"], actor=actor)
    messages.success(request, _("Customer saved."))
    return redirect("web:customer", customer_id=found.pk)


@login_required
@require_POST
def merge(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Merge another customer into this one (supervisors and admins)."""
    agent = request_agent(request)
    found = _customer_or_404(agent, customer_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the id of the customer to merge."))
        return redirect("web:customer", customer_id=found.pk)
    try:
        other = access_customer(agent, form.cleaned_data["other_id"])
        if other.pk != form.cleaned_data["other_id"]:
            raise CustomerNotFound(_("That customer was already merged into another."))
        merge_customers(other, into=found, actor=Actor.for_agent(agent))
        messages.success(request, _("Customers merged."))
    except SapaError as error:
        messages.error(request, str(error.message))
    return redirect("web:customer", customer_id=found.pk)


@login_required
@require_POST
def dismiss_suggestion(request: HttpRequest, customer_id: int, suggestion_id: int) -> HttpResponse:
    agent = request_agent(request)
    found = _customer_or_404(agent, customer_id)
    suggestion = next((s for s in open_merge_suggestions(found) if s.pk == suggestion_id), None)
    if suggestion is None:
        raise Http404()
    try:
        dismiss_merge_suggestion(suggestion, actor=Actor.for_agent(agent))
    except SapaError as error:
        messages.error(request, str(error.message))
    return redirect("web:customer", customer_id=found.pk)

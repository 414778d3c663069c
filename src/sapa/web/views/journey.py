"""The customer journey in the console: the funnel report (supervisors and admins) and
setting a customer's stage by hand from the customer panel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.permissions import Permission
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, SapaError
from sapa.customers.exceptions import CustomerNotFound
from sapa.customers.queries import access_customer
from sapa.journey.actions import set_stage_by_hand
from sapa.journey.funnel import report_for
from sapa.web.form_errors import apply_error
from sapa.web.journey_forms import JourneyReportForm, StageForm
from sapa.web.requests import request_agent
from sapa.web.views.access import agent_with


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """The funnel: stages now, conversion and time per stage over the period, repeat
    purchases and revenue per buyer, by channel of first contact."""
    agent_with(request, Permission.VIEW_REPORTS)
    form = JourneyReportForm(request.GET)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = report_for(start=data["start"], end=data["end"], channel=data["channel"])
        except InvalidInput as error:
            apply_error(form, error, renames={"from": "start", "to": "end"})
    return render(request, "web/journey/report.html", {"form": form, "report": result})


@login_required
@require_POST
def set_stage(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Set the customer's stage by hand from the panel's form. With htmx the section comes
    back in place (with the form's errors); without, back to `next` or the customer."""
    agent = request_agent(request)
    try:
        customer = access_customer(agent, customer_id)
    except CustomerNotFound as error:
        raise Http404() from error
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            customer = set_stage_by_hand(
                customer,
                stage=form.cleaned_data["stage"],
                reason=form.cleaned_data["reason"],
                actor=Actor.for_agent(agent),
            )
        except SapaError as error:
            apply_error(form, error)
    if request.headers.get("HX-Request"):
        context = {"customer": customer, "stage_form": form if form.errors else None}
        return render(request, "web/customers/partials/journey_stage.html", context)
    if not form.errors:
        messages.success(request, _("Stage saved."))
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:customer", args=[customer.pk])
    return redirect(target)

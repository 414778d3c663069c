"""The walk-in screen (/walkin/, anyone with LOG_VISITS, store clerks included): find the
customer at the counter by phone, email or name, or take a new one, and log the visit in
one form. And the Stores and kiosks page (admins: MANAGE_CHANNELS): locations and the kiosk
devices with their tokens. Writes go through sapa.channels.walkin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission, has_permission
from sapa.channels.walkin.actions import log_visit
from sapa.channels.walkin.locations import create_kiosk, revoke_kiosk, save_location
from sapa.channels.walkin.models import KioskDevice, StoreLocation
from sapa.channels.walkin.queries import (
    active_locations,
    find_customers,
    open_tickets_of,
    recent_visits,
    usual_location,
)
from sapa.core import exceptions
from sapa.core.actors import Actor
from sapa.customers.addresses import InvalidAddress, normalise_phone
from sapa.customers.models import Customer
from sapa.web.form_errors import apply_error
from sapa.web.views.access import agent_with, found
from sapa.web.walkin_forms import KioskForm, LocationForm, VisitForm

VISIT_ERROR_FIELDS = {"location_code": "location", "customer_id": "customer", "ticket_id": "ticket"}


def _screen_context(agent: Agent) -> dict[str, object]:
    return {"can_open_tickets": has_permission(agent, Permission.REPLY)}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The search, its matches with their latest tickets, and the visits logged lately."""
    agent = agent_with(request, Permission.LOG_VISITS)
    query = request.GET.get("q", "").strip()[:200]
    context = {
        **_screen_context(agent),
        "query": query,
        "searched": len(query) >= 3,
        "matches": find_customers(query),
        "recent": recent_visits(agent=agent, limit=10),
        "has_locations": bool(active_locations()),
    }
    return render(request, "web/walkin/home.html", context)


def _new_customer_initial(query: str) -> dict[str, str]:
    """The new-customer fields as far as the search text tells them."""
    if "@" in query:
        return {"email": query}
    try:
        return {"phone": normalise_phone(query)} if query else {}
    except InvalidAddress:
        return {"name": query}


@login_required
def visit(request: HttpRequest) -> HttpResponse:
    """Log a visit: of the customer picked from the search (?customer=), or of a new one."""
    agent = agent_with(request, Permission.LOG_VISITS)
    source = request.POST if request.method == "POST" else request.GET
    customer = None
    if source.get("customer"):
        try:
            customer_id = int(source["customer"])
        except ValueError:
            raise Http404() from None
        customer = found(
            Customer.objects.filter(merged_into__isnull=True).prefetch_related("identities"),
            customer_id,
        )
    initial: dict[str, object] = {"customer": customer.pk} if customer else {}
    if customer is None:
        initial.update(_new_customer_initial(request.GET.get("q", "").strip()[:200]))
    form = VisitForm(
        request.POST or None,
        open_tickets=open_tickets_of(customer) if customer else (),
        location=usual_location(agent),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            logged = log_visit(form.request(), actor=Actor.for_agent(agent))
        except exceptions.InvalidInput as error:
            apply_error(form, error, renames=VISIT_ERROR_FIELDS)
        else:
            messages.success(
                request,
                _("The visit was logged on ticket #%(number)s.") % {"number": logged.ticket.number},
            )
            return redirect("web:walkin")
    context = {
        **_screen_context(agent),
        "form": form,
        "customer": customer,
        "has_locations": bool(active_locations()),
    }
    return render(request, "web/walkin/visit.html", context, status=422 if form.errors else 200)


# --- stores and kiosks (admins) -----------------------------------------------------------


@login_required
@require_GET
def locations(request: HttpRequest) -> HttpResponse:
    agent_with(request, Permission.MANAGE_CHANNELS)
    rows = StoreLocation.objects.select_related("team", "follow_up_owner").order_by(
        "-is_active", "name"
    )
    return render(request, "web/walkin/locations.html", {"section": "walkin", "locations": rows})


def _location_page(
    request: HttpRequest,
    agent: Agent,
    form: LocationForm,
    location: StoreLocation | None,
    *,
    new_token: str = "",
) -> HttpResponse:
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            saved = save_location(form.settings(), actor=Actor.for_agent(agent), location=location)
        except exceptions.InvalidInput as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Location %(name)s was saved.") % {"name": saved.name})
            return redirect("web:manage_walkin_location", location_id=saved.pk)
    context: dict[str, object] = {
        "section": "walkin",
        "location": location,
        "form": form,
        "kiosk_form": KioskForm(),
        "new_token": new_token,
    }
    if location is not None:
        context["kiosks"] = location.kiosks.order_by("revoked_at", "name")
    return render(request, "web/walkin/location.html", context, status=422 if form.errors else 200)


@login_required
def location_new(request: HttpRequest) -> HttpResponse:
    agent = agent_with(request, Permission.MANAGE_CHANNELS)
    return _location_page(request, agent, LocationForm(request.POST or None), None)


@login_required
def location_edit(request: HttpRequest, location_id: int) -> HttpResponse:
    agent = agent_with(request, Permission.MANAGE_CHANNELS)
    location = found(StoreLocation.objects.all(), location_id)
    form = LocationForm(request.POST or None, location=location)
    return _location_page(request, agent, form, location)


@login_required
@require_POST
def kiosk_new(request: HttpRequest, location_id: int) -> HttpResponse:
    """Make a kiosk device; its token is shown on the page this once."""
    agent = agent_with(request, Permission.MANAGE_CHANNELS)
    location = found(StoreLocation.objects.all(), location_id)
    form = KioskForm(request.POST)
    token = ""
    if form.is_valid():
        try:
            _kiosk, token = create_kiosk(
                location, name=form.cleaned_data["name"], actor=Actor.for_agent(agent)
            )
        except exceptions.InvalidInput as error:
            messages.error(request, str(error.message))
    else:
        messages.error(request, _("Give the kiosk a name."))
    return _location_page(
        request, agent, LocationForm(location=location), location, new_token=token
    )


@login_required
@require_POST
def kiosk_revoke(request: HttpRequest, kiosk_id: int) -> HttpResponse:
    agent = agent_with(request, Permission.MANAGE_CHANNELS)
    kiosk = found(KioskDevice.objects.all(), kiosk_id)
    revoke_kiosk(kiosk, actor=Actor.for_agent(agent))
    messages.success(request, _("Kiosk %(name)s can no longer log visits.") % {"name": kiosk.name})
    return redirect("web:manage_walkin_location", location_id=kiosk.location_id)

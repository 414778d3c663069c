"""Orders in the console: the CSV import (upload and preview, confirm, result), the list of
delayed shipments and the carriers' delay policies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sapa.accounts.permissions import Permission
from sapa.commerce.actions.carriers import create_carrier_policy, update_carrier_policy
from sapa.commerce.actions.imports import confirm_order_import, upload_order_import
from sapa.commerce.exceptions import OrderImportNotFound
from sapa.commerce.models import CarrierPolicy, OrderImport
from sapa.commerce.queries import (
    access_order_import,
    carrier_policies,
    delayed_shipments,
    recent_order_imports,
)
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, SapaError
from sapa.web.form_errors import apply_error
from sapa.web.orders_forms import CarrierPolicyForm, NewCarrierPolicyForm, OrderImportForm
from sapa.web.requests import request_agent
from sapa.web.views.access import agent_with, found


@login_required
@require_http_methods(["GET", "POST"])
def order_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of orders; a good file goes on to its preview (nothing imported yet)."""
    agent = agent_with(request, Permission.WRITE_ORDERS)
    form = OrderImportForm()
    if request.method == "POST":
        form = OrderImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                created = upload_order_import(
                    upload.read(),
                    filename=upload.name or "orders.csv",
                    actor=Actor.for_agent(agent),
                )
            except InvalidInput as error:
                apply_error(form, error)
            else:
                return redirect("web:order_import_detail", public_id=created.public_id)
    context = {"form": form, "imports": recent_order_imports(agent)}
    return render(request, "web/orders/import.html", context, status=422 if form.errors else 200)


def _import_or_404(request: HttpRequest, public_id: str) -> OrderImport:
    agent = agent_with(request, Permission.WRITE_ORDERS)
    try:
        return access_order_import(agent, public_id)
    except OrderImportNotFound as error:
        raise Http404() from error


@login_required
@require_GET
def order_import_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """The preview of an uploaded file, or how its import went."""
    upload = _import_or_404(request, public_id)
    return render(request, "web/orders/import_detail.html", {"upload": upload})


@login_required
@require_GET
def order_import_status(request: HttpRequest, public_id: str) -> HttpResponse:
    """The result box alone, polled by htmx while the import runs."""
    upload = _import_or_404(request, public_id)
    return render(request, "web/orders/partials/import_result.html", {"upload": upload})


@login_required
@require_POST
def order_import_confirm(request: HttpRequest, public_id: str) -> HttpResponse:
    """Import the previewed file (the copy kept on the server, not anything sent back)."""
    upload = _import_or_404(request, public_id)
    try:
        confirm_order_import(upload, actor=Actor.for_agent(request_agent(request)))
        messages.success(request, _("The import has started."))
    except SapaError as error:
        messages.error(request, str(error.message))
    return redirect("web:order_import_detail", public_id=upload.public_id)


@login_required
@require_GET
def delayed(request: HttpRequest) -> HttpResponse:
    """Shipments the carrier has been silent about, the latest flagged first."""
    request_agent(request)
    return render(request, "web/orders/delayed.html", {"shipments": delayed_shipments()})


@login_required
@require_GET
def carriers(request: HttpRequest) -> HttpResponse:
    """The carriers' delay policies, each editable, and a form for one more."""
    agent_with(request, Permission.WRITE_ORDERS)
    return _carriers_page(request, new_form=NewCarrierPolicyForm())


def _carriers_page(
    request: HttpRequest,
    *,
    new_form: NewCarrierPolicyForm,
    failed: tuple[int, CarrierPolicyForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = []
    for policy in carrier_policies():
        form = CarrierPolicyForm(
            initial={
                "days_without_event": policy.days_without_event,
                "notify_customer": policy.notify_customer,
                "active": policy.active,
            },
            prefix=f"p{policy.pk}",
        )
        if failed is not None and failed[0] == policy.pk:
            form = failed[1]
        rows.append((policy, form))
    context = {"rows": rows, "new_form": new_form}
    return render(request, "web/orders/carriers.html", context, status=status)


@login_required
@require_POST
def carrier_update(request: HttpRequest, policy_id: int) -> HttpResponse:
    agent = agent_with(request, Permission.WRITE_ORDERS)
    policy = found(CarrierPolicy.objects.all(), policy_id)
    form = CarrierPolicyForm(request.POST, prefix=f"p{policy.pk}")
    if form.is_valid():
        try:
            update_carrier_policy(policy, **form.cleaned_data, actor=Actor.for_agent(agent))
        except InvalidInput as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:orders_carriers")
    failed = (policy.pk, form)
    return _carriers_page(request, new_form=NewCarrierPolicyForm(), failed=failed, status=422)


@login_required
@require_POST
def carrier_new(request: HttpRequest) -> HttpResponse:
    agent = agent_with(request, Permission.WRITE_ORDERS)
    form = NewCarrierPolicyForm(request.POST)
    if form.is_valid():
        try:
            create_carrier_policy(**form.cleaned_data, actor=Actor.for_agent(agent))
        except InvalidInput as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:orders_carriers")
    return _carriers_page(request, new_form=form, status=422)

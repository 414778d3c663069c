"""After-sale in the console: the settings page (admins), the list of issued promo codes,
and issuing or voiding a code by hand (supervisors and admins). Writes go through
sapa.loyalty.actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sapa.api.pagination import page_limit
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, SapaError
from sapa.customers.exceptions import CustomerNotFound
from sapa.customers.queries import access_customer
from sapa.loyalty import actions
from sapa.loyalty.models import PromoCode, PromoCodeStatus
from sapa.loyalty.permissions import CHANGE_SETTINGS, MANAGE_CODES
from sapa.loyalty.queries import get_after_sale_settings, promo_code_page
from sapa.web.form_errors import apply_error
from sapa.web.loyalty_forms import AfterSaleSettingsForm, ManualCodeForm
from sapa.web.views.access import agent_with, found


@login_required
def after_sale_settings(request: HttpRequest) -> HttpResponse:
    agent = agent_with(request, CHANGE_SETTINGS)
    config = get_after_sale_settings()
    form = AfterSaleSettingsForm(request.POST or None, config=config)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_after_sale_settings(form.draft(), actor=Actor.for_agent(agent))
        except InvalidInput as error:
            apply_error(form, error)
        else:
            messages.success(request, _("After-sale settings saved."))
            return redirect("web:manage_after_sale")
    context = {"section": "after_sale", "form": form, "config": config}
    status = 422 if form.errors else 200
    return render(request, "web/loyalty/settings.html", context, status=status)


@login_required
@require_GET
def promo_codes(request: HttpRequest) -> HttpResponse:
    """Issued codes, the newest first, filtered by status; cursor pages."""
    agent_with(request, MANAGE_CODES)
    status = request.GET.get("status", "")
    statuses = [status] if status in PromoCodeStatus.values else []
    try:
        items, next_cursor = promo_code_page(
            statuses=statuses, cursor=request.GET.get("cursor") or None, limit=page_limit(None)
        )
    except InvalidInput:
        items, next_cursor = [], None
    query = request.GET.copy()
    query["cursor"] = next_cursor or ""
    context = {
        "section": "after_sale",
        "codes": items,
        "status": status if statuses else "",
        "statuses": [("", _("All")), *PromoCodeStatus.choices],
        "next_url": f"?{query.urlencode()}" if next_cursor else "",
    }
    return render(request, "web/loyalty/codes.html", context)


@login_required
@require_POST
def issue_code(request: HttpRequest, customer_id: int) -> HttpResponse:
    """A code by hand for the customer (from the customer panel); back to `next`."""
    agent = agent_with(request, MANAGE_CODES)
    try:
        customer = access_customer(agent, customer_id)
    except CustomerNotFound as error:
        raise Http404() from error
    form = ManualCodeForm(request.POST)
    back = _back(request, reverse("web:customer", args=[customer.pk]))
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, _("No code was issued: %(errors)s") % {"errors": " ".join(errors)})
        return redirect(back)
    config = get_after_sale_settings()
    try:
        code = actions.issue_manual_code(
            customer,
            discount=form.discount(currency=config.currency),
            note=form.cleaned_data["note"],
            prefix=config.code_prefix,
            actor=Actor.for_agent(agent),
        )
    except SapaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Code %(code)s issued.") % {"code": code.code})
    return redirect(back)


@login_required
@require_POST
def void_code(request: HttpRequest, code_id: int) -> HttpResponse:
    agent = agent_with(request, MANAGE_CODES)
    code = found(PromoCode.objects.all(), code_id)
    reason = request.POST.get("reason", "").strip() or _("withdrawn in the console")
    if actions.void_promo_code(code, reason=reason, actor=Actor.for_agent(agent)):
        messages.success(request, _("Code %(code)s is void now.") % {"code": code.code})
    else:
        messages.error(request, _("Code %(code)s was not active any more.") % {"code": code.code})
    return redirect(_back(request, reverse("web:manage_promo_codes")))


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default

"""WhatsApp in the console: the numbers (admins: MANAGE_CHANNELS) with their template
catalogue, the kept webhook deliveries (quarantine), and sending an approved template from
a ticket once the customer's 24-hour window has closed (anyone who may reply on it).
Writes go through sapa.channels.whatsapp's actions."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission
from sapa.channels.whatsapp import actions as whatsapp
from sapa.channels.whatsapp.config import save_account
from sapa.channels.whatsapp.message_templates import send_template, sync_templates
from sapa.channels.whatsapp.models import (
    DeliveryStatus,
    WhatsAppAccount,
    WhatsAppTemplate,
    WhatsAppWebhookDelivery,
)
from sapa.conversations.exceptions import TicketNotFound
from sapa.conversations.queries import access_ticket
from sapa.core import exceptions
from sapa.core.actors import Actor
from sapa.core.cursors import newest_first_page
from sapa.web.form_errors import apply_error
from sapa.web.requests import request_agent
from sapa.web.views.access import agent_with, found
from sapa.web.whatsapp_forms import AccountForm

PAGE_SIZE = 50
DELIVERY_TABS: dict[str, tuple[Any, tuple[str, ...] | None]] = {
    "quarantined": (gettext_lazy("Quarantined"), (DeliveryStatus.QUARANTINED,)),
    "waiting": (gettext_lazy("Waiting"), (DeliveryStatus.RECEIVED,)),
    "all": (gettext_lazy("All deliveries"), None),
}


def _admin(request: HttpRequest) -> Agent:
    return agent_with(request, Permission.MANAGE_CHANNELS)


def webhook_url() -> str:
    return f"{settings.SAPA_BASE_URL}{reverse('whatsapp:webhook')}"


# --- numbers ------------------------------------------------------------------------


@login_required
@require_GET
def accounts(request: HttpRequest) -> HttpResponse:
    _admin(request)
    rows = (
        WhatsAppAccount.objects.select_related("team")
        .annotate(approved=Count("templates", filter=Q(templates__status="APPROVED")))
        .order_by("-is_active", "name", "pk")
    )
    quarantined = WhatsAppWebhookDelivery.objects.filter(status=DeliveryStatus.QUARANTINED).count()
    context = {
        "section": "whatsapp",
        "accounts": rows,
        "webhook_url": webhook_url(),
        "quarantined": quarantined,
    }
    return render(request, "web/manage/whatsapp.html", context)


def _account_page(
    request: HttpRequest, agent: Agent, form: AccountForm, account: WhatsAppAccount | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_account(form.settings(), actor=Actor.for_agent(agent), account=account)
        except exceptions.InvalidInput as error:
            apply_error(form, error)
        else:
            messages.success(
                request, _("WhatsApp number %(name)s was saved.") % {"name": saved.name}
            )
            return redirect("web:manage_whatsapp_account", account_id=saved.pk)
    context = {
        "section": "whatsapp",
        "account": account,
        "form": form,
        "webhook_url": webhook_url(),
        "templates": list(account.templates.order_by("name", "language")) if account else [],
    }
    return render(
        request, "web/manage/whatsapp_account.html", context, status=422 if form.errors else 200
    )


@login_required
def account_new(request: HttpRequest) -> HttpResponse:
    agent = _admin(request)
    return _account_page(request, agent, AccountForm(request.POST or None), None)


@login_required
def account_edit(request: HttpRequest, account_id: int) -> HttpResponse:
    agent = _admin(request)
    account = found(WhatsAppAccount.objects.select_related("team"), account_id)
    return _account_page(
        request, agent, AccountForm(request.POST or None, account=account), account
    )


@login_required
@require_POST
def account_sync(request: HttpRequest, account_id: int) -> HttpResponse:
    """Fetch the number's message templates from Meta now."""
    agent = _admin(request)
    account = found(WhatsAppAccount.objects.all(), account_id)
    try:
        result = sync_templates(account, actor=Actor.for_agent(agent))
    except exceptions.SapaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Templates fetched: %(created)d new, %(updated)d updated, %(removed)d removed.")
            % {"created": result.created, "updated": result.updated, "removed": result.removed},
        )
    return redirect("web:manage_whatsapp_account", account_id=account.pk)


# --- kept deliveries ----------------------------------------------------------------


def _tab(value: str) -> str:
    return value if value in DELIVERY_TABS else "quarantined"


def _deliveries_page(statuses: tuple[str, ...] | None, cursor: str) -> tuple[list[Any], str]:
    rows = WhatsAppWebhookDelivery.objects.defer("body")
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    return newest_first_page(rows, cursor, at_field="received_at", size=PAGE_SIZE)


@login_required
@require_GET
def deliveries(request: HttpRequest) -> HttpResponse:
    """Webhook deliveries as they came, quarantined ones first, with why."""
    _admin(request)
    tab = _tab(request.GET.get("show", ""))
    rows, next_cursor = _deliveries_page(DELIVERY_TABS[tab][1], request.GET.get("cursor", ""))
    counted = (
        WhatsAppWebhookDelivery.objects.filter(
            status__in=[DeliveryStatus.QUARANTINED, DeliveryStatus.RECEIVED]
        )
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["status"]: row["n"] for row in counted}
    tabs = [
        (key, label, counts.get(statuses[0], 0) if statuses else None)
        for key, (label, statuses) in DELIVERY_TABS.items()
    ]
    context = {
        "section": "whatsapp",
        "tab": tab,
        "tabs": tabs,
        "rows": rows,
        "next_cursor": next_cursor,
    }
    return render(request, "web/manage/whatsapp_deliveries.html", context)


def _back_to_tab(request: HttpRequest) -> HttpResponse:
    tab = _tab(request.POST.get("show", ""))
    return redirect(f"{reverse('web:manage_whatsapp_deliveries')}?show={tab}")


@login_required
@require_POST
def delivery_reprocess(request: HttpRequest, delivery_id: int) -> HttpResponse:
    agent = _admin(request)
    delivery = found(WhatsAppWebhookDelivery.objects.select_related("signed_by"), delivery_id)
    if delivery.status == DeliveryStatus.PROCESSED:
        messages.error(request, _("This delivery was processed; there is nothing to do again."))
        return _back_to_tab(request)
    processed = whatsapp.reprocess(delivery, actor=Actor.for_agent(agent))
    if processed is not None:
        label = DeliveryStatus(processed.delivery.status).label
        messages.info(
            request,
            _("Result: %(status)s. %(reason)s")
            % {"status": label, "reason": processed.delivery.reason},
        )
    return _back_to_tab(request)


@login_required
@require_POST
def delivery_discard(request: HttpRequest, delivery_id: int) -> HttpResponse:
    agent = _admin(request)
    delivery = found(WhatsAppWebhookDelivery.objects.defer("body"), delivery_id)
    if delivery.status != DeliveryStatus.QUARANTINED:
        messages.error(request, _("Only quarantined deliveries can be discarded."))
        return _back_to_tab(request)
    whatsapp.discard(delivery, actor=Actor.for_agent(agent))
    messages.success(request, _("The delivery was discarded; its body is kept."))
    return _back_to_tab(request)


@login_required
@require_GET
def delivery_body(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """The delivery exactly as Meta sent it, as plain text (never rendered)."""
    _admin(request)
    delivery = found(WhatsAppWebhookDelivery.objects.all(), delivery_id)
    response = HttpResponse(
        bytes(delivery.body).decode("utf-8", errors="replace"),
        content_type="text/plain; charset=utf-8",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- templates from a ticket ------------------------------------------------------------


@login_required
@require_POST
def ticket_template(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Send the chosen approved template, with the values typed for its variables."""
    agent = request_agent(request)
    try:
        ticket = access_ticket(agent, ticket_id)
    except TicketNotFound as error:
        raise Http404() from error
    template_id = request.POST.get("template", "")
    template = (
        WhatsAppTemplate.objects.select_related("account").filter(pk=int(template_id)).first()
        if template_id.isdigit()
        else None
    )
    if template is None:
        raise Http404()
    values = [request.POST.get(f"parameter_{i}", "") for i in range(template.parameter_count)]
    try:
        send_template(ticket, template=template, parameters=values, actor=Actor.for_agent(agent))
    except exceptions.SapaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Template %(name)s sent.") % {"name": template.name})
    return redirect("web:ticket", ticket_id=ticket.pk)

"""Outgoing webhooks in the console (admins: MANAGE_CHANNELS): the list, a webhook's
settings with its secret and delivery log, a delivery's details, and the buttons (send a
test event, rotate the secret, switch off/on, delete, redeliver). Writes go through
sapa.webhooks.actions."""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission
from sapa.core import exceptions
from sapa.core.actors import Actor
from sapa.web.form_errors import apply_error
from sapa.web.views.access import agent_with
from sapa.webhooks import actions, queries
from sapa.webhooks.models import WebhookDelivery, WebhookSubscription
from sapa.webhooks.payloads import PUBLIC_EVENTS, envelope

LOG_PAGE_SIZE = 25


class WebhookForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("For admins: which system receives these events."),
    )
    url = forms.CharField(
        label=gettext_lazy("URL"),
        max_length=500,
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
        help_text=gettext_lazy("Where Sapa sends the events (https:// recommended)."),
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=list(PUBLIC_EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, data: QueryDict | None = None, *, webhook: WebhookSubscription | None = None
    ) -> None:
        initial = (
            {"name": webhook.name, "url": webhook.url, "events": webhook.events} if webhook else {}
        )
        super().__init__(data, initial=initial)

    def draft(self) -> actions.SubscriptionDraft:
        data = self.cleaned_data
        return actions.SubscriptionDraft(name=data["name"], url=data["url"], events=data["events"])


def _admin(request: HttpRequest) -> tuple[Agent, Actor]:
    agent = agent_with(request, Permission.MANAGE_CHANNELS)
    return agent, Actor.for_agent(agent)


def _webhook(agent: Agent, webhook_id: int) -> WebhookSubscription:
    try:
        return queries.access_subscription(agent, webhook_id)
    except exceptions.NotFound as error:
        raise Http404() from error
    except exceptions.PermissionDenied as error:
        raise PermissionDenied() from error


@login_required
@require_GET
def webhooks(request: HttpRequest) -> HttpResponse:
    agent, _actor = _admin(request)
    rows = queries.list_subscriptions(agent)
    return render(request, "web/manage/webhooks.html", {"section": "webhooks", "webhooks": rows})


def _page(
    request: HttpRequest, agent: Agent, form: WebhookForm, webhook: WebhookSubscription | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        actor = Actor.for_agent(agent)
        try:
            if webhook is None:
                saved = actions.create_subscription(form.draft(), actor=actor)
            else:
                saved = actions.update_subscription(webhook, form.draft(), actor=actor)
        except exceptions.InvalidInput as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Webhook %(name)s was saved.") % {"name": saved.name})
            return redirect("web:manage_webhook", webhook_id=saved.pk)
    deliveries: list[WebhookDelivery] = []
    next_cursor = None
    if webhook is not None:
        deliveries, next_cursor = queries.list_deliveries(
            webhook, cursor=request.GET.get("cursor") or None, limit=LOG_PAGE_SIZE
        )
    context = {
        "section": "webhooks",
        "webhook": webhook,
        "form": form,
        "deliveries": deliveries,
        "next_cursor": next_cursor,
        "disable_after": settings.SAPA_WEBHOOK_DISABLE_AFTER_FAILURES,
    }
    return render(request, "web/manage/webhook.html", context, status=422 if form.errors else 200)


@login_required
def webhook_new(request: HttpRequest) -> HttpResponse:
    agent, _actor = _admin(request)
    return _page(request, agent, WebhookForm(request.POST or None), None)


@login_required
def webhook_edit(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """The settings form, the secret and the delivery log (`?cursor=` for older pages)."""
    agent, _actor = _admin(request)
    webhook = _webhook(agent, webhook_id)
    try:
        return _page(request, agent, WebhookForm(request.POST or None, webhook=webhook), webhook)
    except exceptions.InvalidInput as error:  # a cursor that is not one
        raise Http404() from error


@login_required
@require_POST
def webhook_test(request: HttpRequest, webhook_id: int) -> HttpResponse:
    agent, actor = _admin(request)
    webhook = _webhook(agent, webhook_id)
    delivery = actions.send_test_event(webhook, actor=actor)
    messages.success(request, _("A test event was sent (delivery %(id)d).") % {"id": delivery.pk})
    return redirect("web:manage_webhook", webhook_id=webhook.pk)


@login_required
@require_POST
def webhook_rotate(request: HttpRequest, webhook_id: int) -> HttpResponse:
    agent, actor = _admin(request)
    actions.rotate_secret(_webhook(agent, webhook_id), actor=actor)
    messages.success(request, _("The webhook has a new secret; the old one no longer works."))
    return redirect("web:manage_webhook", webhook_id=webhook_id)


@login_required
@require_POST
def webhook_switch(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """Switch the webhook off (`on` absent) or on again (`on=1`)."""
    agent, actor = _admin(request)
    webhook = _webhook(agent, webhook_id)
    if request.POST.get("on"):
        actions.enable_subscription(webhook, actor=actor)
        messages.success(request, _("Webhook %(name)s is on.") % {"name": webhook.name})
    else:
        reason = _("Switched off by %(name)s.") % {"name": agent.display_name}
        actions.disable_subscription(webhook, reason=reason, actor=actor)
        messages.success(request, _("Webhook %(name)s is off.") % {"name": webhook.name})
    return redirect("web:manage_webhook", webhook_id=webhook.pk)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    agent, actor = _admin(request)
    webhook = _webhook(agent, webhook_id)
    actions.delete_subscription(webhook, actor=actor)
    messages.success(request, _("Webhook %(name)s was deleted.") % {"name": webhook.name})
    return redirect("web:manage_webhooks")


def _delivery(agent: Agent, delivery_id: int) -> WebhookDelivery:
    try:
        row = queries.access_delivery(agent, delivery_id)
    except exceptions.NotFound as error:
        raise Http404() from error
    if row.subscription is None:  # one-off deliveries (automations) have no page here
        raise Http404()
    return row


@login_required
@require_GET
def delivery(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """One delivery: the body sent and what the receiver answered."""
    agent, _actor = _admin(request)
    row = _delivery(agent, delivery_id)
    sent = envelope(
        delivery_id=row.pk, event=row.event, occurred_at=row.occurred_at, data=row.payload
    )
    body = json.dumps(sent, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder)
    context = {"section": "webhooks", "delivery": row, "webhook": row.subscription, "body": body}
    return render(request, "web/manage/webhook_delivery.html", context)


@login_required
@require_POST
def delivery_redeliver(request: HttpRequest, delivery_id: int) -> HttpResponse:
    agent, actor = _admin(request)
    copy = actions.redeliver(_delivery(agent, delivery_id), actor=actor)
    messages.success(request, _("Sent again as delivery %(id)d.") % {"id": copy.pk})
    return redirect("web:manage_webhook_delivery", delivery_id=copy.pk)

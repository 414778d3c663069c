"""An agent records what a customer said about surveys and promotions ("no more promos by
WhatsApp, please"), from the customer panel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapa.channels.kinds import Channel
from sapa.core.actors import Actor
from sapa.customers.exceptions import CustomerNotFound
from sapa.customers.queries import access_customer
from sapa.engagement.consent import ALL_CHANNELS, set_consent
from sapa.engagement.models import Purpose
from sapa.web.requests import request_agent


@login_required
@require_POST
def set_customer_consent(request: HttpRequest, customer_id: int) -> HttpResponse:
    agent = request_agent(request)
    try:
        customer = access_customer(agent, customer_id)
    except CustomerNotFound as error:
        raise Http404() from error
    channel = request.POST.get("channel", "")
    purpose = request.POST.get("purpose", "")
    if channel not in (*Channel.values, ALL_CHANNELS) or purpose not in (
        Purpose.MARKETING,
        Purpose.FEEDBACK,
    ):
        messages.error(request, _("Choose a channel and a kind of message."))
    else:
        set_consent(
            customer,
            channel=channel,
            purpose=purpose,
            granted=request.POST.get("granted") == "1",
            source="agent",
            actor=Actor.for_agent(agent),
        )
        messages.success(request, _("Saved. It applies to the next message."))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("web:customer", customer_id=customer.pk)

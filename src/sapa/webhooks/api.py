"""`/api/v1/webhooks`: subscriptions and their delivery log, for admins' tokens
(MANAGE_CHANNELS; anyone else gets 403)."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from sapa.api.auth import request_agent
from sapa.api.pagination import page_limit
from sapa.api.schemas import ErrorOut, Page
from sapa.core.actors import Actor
from sapa.webhooks import actions
from sapa.webhooks.models import WebhookDelivery, WebhookSubscription
from sapa.webhooks.queries import (
    access_delivery,
    access_subscription,
    list_deliveries,
    list_subscriptions,
)
from sapa.webhooks.schemas import DeliveryOut, WebhookIn, WebhookOut, WebhookPatchIn

router = Router(tags=["webhooks"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("", response={200: list[WebhookOut], **ERRORS})
def webhook_list(request: HttpRequest) -> list[WebhookSubscription]:
    """Every webhook subscription, active ones first."""
    return list(list_subscriptions(request_agent(request)))


@router.post("", response={201: WebhookOut, **ERRORS})
def webhook_create(request: HttpRequest, payload: WebhookIn) -> Status:
    """Subscribe `url` to `events`; the answer holds the secret that signs the deliveries."""
    agent = request_agent(request)
    draft = actions.SubscriptionDraft(name=payload.name, url=payload.url, events=payload.events)
    return Status(201, actions.create_subscription(draft, actor=Actor.for_agent(agent)))


@router.get("/{webhook_id}", response={200: WebhookOut, **ERRORS})
def webhook_detail(request: HttpRequest, webhook_id: int) -> WebhookSubscription:
    return access_subscription(request_agent(request), webhook_id)


@router.patch("/{webhook_id}", response={200: WebhookOut, **ERRORS})
def webhook_update(
    request: HttpRequest, webhook_id: int, payload: WebhookPatchIn
) -> WebhookSubscription:
    """Change name, URL or events; switch the webhook off or on (`is_active`)."""
    agent = request_agent(request)
    actor = Actor.for_agent(agent)
    subscription = access_subscription(agent, webhook_id)
    if {"name", "url", "events"} & payload.model_fields_set:
        draft = actions.SubscriptionDraft(
            name=subscription.name if payload.name is None else payload.name,
            url=subscription.url if payload.url is None else payload.url,
            events=subscription.events if payload.events is None else payload.events,
        )
        subscription = actions.update_subscription(subscription, draft, actor=actor)
    if payload.is_active is True:
        subscription = actions.enable_subscription(subscription, actor=actor)
    elif payload.is_active is False:
        reason = _("Switched off by %(name)s.") % {"name": agent.display_name}
        subscription = actions.disable_subscription(subscription, reason=reason, actor=actor)
    return subscription


@router.delete("/{webhook_id}", response={204: None, **ERRORS})
def webhook_delete(request: HttpRequest, webhook_id: int) -> Status:
    """Delete the webhook and its delivery log."""
    agent = request_agent(request)
    actions.delete_subscription(
        access_subscription(agent, webhook_id), actor=Actor.for_agent(agent)
    )
    return Status(204, None)


@router.post("/{webhook_id}/secret", response={200: WebhookOut, **ERRORS})
def webhook_rotate_secret(request: HttpRequest, webhook_id: int) -> WebhookSubscription:
    """A new signing secret; the old one stops working at once."""
    agent = request_agent(request)
    subscription = access_subscription(agent, webhook_id)
    return actions.rotate_secret(subscription, actor=Actor.for_agent(agent))


@router.post("/{webhook_id}/test", response={202: DeliveryOut, **ERRORS})
def webhook_test(request: HttpRequest, webhook_id: int) -> Status:
    """Send a "webhook.test" event now; follow it in the delivery log."""
    agent = request_agent(request)
    subscription = access_subscription(agent, webhook_id)
    return Status(202, actions.send_test_event(subscription, actor=Actor.for_agent(agent)))


@router.get("/{webhook_id}/deliveries", response={200: Page[DeliveryOut], **ERRORS})
def webhook_deliveries(
    request: HttpRequest, webhook_id: int, cursor: str | None = None, limit: int | None = None
) -> dict[str, object]:
    """The delivery log, newest first."""
    subscription = access_subscription(request_agent(request), webhook_id)
    items, next_cursor = list_deliveries(subscription, cursor=cursor, limit=page_limit(limit))
    return {"items": items, "next_cursor": next_cursor}


@router.post("/deliveries/{delivery_id}/redeliver", response={202: DeliveryOut, **ERRORS})
def delivery_redeliver(request: HttpRequest, delivery_id: int) -> Status:
    """Send a delivery's event again, as a new delivery."""
    agent = request_agent(request)
    delivery: WebhookDelivery = access_delivery(agent, delivery_id)
    return Status(202, actions.redeliver(delivery, actor=Actor.for_agent(agent)))

"""Named reads of the webhooks domain. Every one is for MANAGE_CHANNELS (admins): others get
PermissionDenied, and a missing row is WebhookNotFound."""

from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission, require
from sapa.core.actors import Actor
from sapa.core.cursors import decode_cursor, encode_cursor
from sapa.webhooks.exceptions import WebhookNotFound
from sapa.webhooks.models import WebhookDelivery, WebhookSubscription


def _require_admin(agent: Agent) -> None:
    require(Actor.for_agent(agent), Permission.MANAGE_CHANNELS)


def list_subscriptions(agent: Agent) -> QuerySet[WebhookSubscription]:
    """All subscriptions, active first, each annotated with its latest delivery's status
    and time (`last_status`, `last_delivery_at`)."""
    _require_admin(agent)
    latest = WebhookDelivery.objects.filter(subscription=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    return WebhookSubscription.objects.annotate(
        last_status=Subquery(latest.values("status")[:1]),
        last_delivery_at=Subquery(latest.values("created_at")[:1]),
    ).order_by("-is_active", "name", "pk")


def access_subscription(agent: Agent, subscription_id: int) -> WebhookSubscription:
    _require_admin(agent)
    subscription = WebhookSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        raise WebhookNotFound()
    return subscription


def access_delivery(agent: Agent, delivery_id: int) -> WebhookDelivery:
    _require_admin(agent)
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None:
        raise WebhookNotFound()
    return delivery


def list_deliveries(
    subscription: WebhookSubscription, *, cursor: str | None, limit: int
) -> tuple[list[WebhookDelivery], str | None]:
    """The subscription's delivery log, newest first, a page at a time (keyset on
    created_at, id)."""
    deliveries = WebhookDelivery.objects.filter(subscription=subscription)
    if cursor:
        created_at, delivery_id = decode_cursor(cursor, shape=(datetime, int))
        deliveries = deliveries.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=delivery_id)
        )
    page = list(deliveries.order_by("-created_at", "-pk")[: limit + 1])
    if len(page) <= limit:
        return page, None
    page = page[:limit]
    return page, encode_cursor(page[-1].created_at, page[-1].pk)

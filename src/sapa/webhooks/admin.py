"""Webhook subscriptions and deliveries in the Django admin, read-only: they change through
the console and the API, where the rules and the audit trail live."""

from django.contrib import admin

from sapa.core.read_only_admin import ReadOnlyModelAdmin
from sapa.webhooks.models import WebhookDelivery, WebhookSubscription


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "url", "is_active", "consecutive_failures", "created_at"]
    list_filter = ["is_active"]
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "event", "subscription", "status", "attempts", "last_status_code"]
    list_filter = ["status"]
    exclude = ["secret"]
    raw_id_fields = ["subscription", "source_event", "ticket", "redelivery_of"]

"""API schemas for webhooks."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from sapa.webhooks.models import DeliveryStatus


class WebhookIn(Schema):
    name: str = Field(max_length=100)
    url: str = Field(max_length=500)
    events: list[str] = Field(
        description='Public event names ("ticket.created"), group patterns ("ticket.*") or "*".'
    )


class WebhookPatchIn(Schema):
    """Only the fields given change. `is_active`: false switches the webhook off, true on
    again (with its failure count reset)."""

    name: str | None = Field(default=None, max_length=100)
    url: str | None = Field(default=None, max_length=500)
    events: list[str] | None = None
    is_active: bool | None = None


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    secret: str = Field(description="Signs every delivery (X-Sapa-Signature). Keep it private.")
    events: list[str]
    is_active: bool
    consecutive_failures: int
    disabled_at: datetime | None
    disabled_reason: str
    created_at: datetime


class DeliveryOut(Schema):
    id: int
    event: str
    url: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    response_excerpt: str
    duration_ms: int | None
    occurred_at: datetime
    delivered_at: datetime | None
    created_at: datetime
    redelivery_of: int | None = Field(None, alias="redelivery_of_id")
    payload: dict[str, Any]

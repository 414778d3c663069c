"""API schemas for customers."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from sapa.customers.models import Customer, LifecycleStage


class IdentityOut(Schema):
    kind: str
    value: str
    is_verified: bool


class CustomerOut(Schema):
    id: int
    name: str
    language: str
    lifecycle_stage: LifecycleStage
    is_internal: bool
    tags: list[str]
    identities: list[IdentityOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(customer: Customer) -> list[str]:
        return sorted(tag.name for tag in customer.tags.all())

    @staticmethod
    def resolve_identities(customer: Customer) -> list[Any]:
        return sorted(customer.identities.all(), key=lambda i: (i.kind, i.value))


class OrderTotalsOut(Schema):
    currency: str
    order_count: int
    total_minor: int


class OrdersSummaryOut(Schema):
    count: int
    last_order_at: datetime | None
    totals: list[OrderTotalsOut]


class MergeSuggestionOut(Schema):
    id: int
    other_customer_id: int
    reason: str
    created_at: datetime


class CustomerDetailOut(CustomerOut):
    """Built from a Customer carrying `figures` (queries.CustomerFigures) and
    `open_suggestions` attributes, set by the endpoint."""

    notes: str
    open_ticket_count: int
    ticket_count: int
    orders: OrdersSummaryOut
    merge_suggestions: list[MergeSuggestionOut]

    @staticmethod
    def resolve_open_ticket_count(customer: Customer) -> int:
        return customer.figures.open_ticket_count  # type: ignore[attr-defined]

    @staticmethod
    def resolve_ticket_count(customer: Customer) -> int:
        return customer.figures.ticket_count  # type: ignore[attr-defined]

    @staticmethod
    def resolve_orders(customer: Customer) -> dict[str, Any]:
        figures = customer.figures  # type: ignore[attr-defined]
        return {
            "count": figures.order_count,
            "last_order_at": figures.last_order_at,
            "totals": [vars(totals) for totals in figures.totals],
        }

    @staticmethod
    def resolve_merge_suggestions(customer: Customer) -> list[dict[str, Any]]:
        return [
            {
                "id": s.pk,
                "other_customer_id": s.other_id if s.customer_id == customer.pk else s.customer_id,
                "reason": s.reason,
                "created_at": s.created_at,
            }
            for s in customer.open_suggestions  # type: ignore[attr-defined]
        ]


class TimelineItemOut(Schema):
    kind: str
    at: datetime
    id: int
    data: dict[str, Any]


class MergeIn(Schema):
    source_id: int = Field(description="The duplicate; it becomes a pointer to the target")
    target_id: int = Field(description="The customer that stays")

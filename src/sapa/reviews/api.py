"""API endpoints: the shop sends reviews it collected, lists reviews, and gets the signed
review link of an order for its own emails."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status

from sapa.accounts.permissions import Permission, require
from sapa.api.auth import request_agent
from sapa.api.pagination import page_limit
from sapa.api.schemas import ErrorOut, Page
from sapa.commerce.models import Order, OrderStatus
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, NotFound
from sapa.reviews import actions, queries
from sapa.reviews.exceptions import UnknownOrder
from sapa.reviews.links import link_expires_at, review_url
from sapa.reviews.models import ReviewSource, ReviewStatus
from sapa.reviews.schemas import ReviewIn, ReviewLinkOut, ReviewOut

router = Router(tags=["reviews"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _shop_order(number: str) -> Order | None:
    return (
        Order.objects.select_related("customer")
        .filter(shop=settings.SAPA_SHOP, number=number)
        .first()
    )


@router.post("/reviews", response={201: ReviewOut, **ERRORS})
def submit(request: HttpRequest, payload: ReviewIn) -> Status:
    """A review the shop collected from the customer of a delivered order (one per order).
    It waits for moderation like any other. 409 `order_not_delivered` / `review_exists`."""
    actor = Actor.integration(request_agent(request))
    order = _shop_order(payload.order_number.strip())
    if order is None:
        raise UnknownOrder()
    draft = actions.ReviewDraft(
        stars=payload.stars,
        title=payload.title,
        text=payload.text,
        display_name=payload.display_name,
        language=payload.language,
    )
    review = actions.submit_review(order, draft, source=ReviewSource.SHOP, actor=actor)
    return Status(201, queries.access_review(request_agent(request), review.pk))


class ReviewListQuery(Schema):
    status: str | None = None
    cursor: str | None = None
    limit: int | None = None


@router.get("/reviews", response={200: Page[ReviewOut], **ERRORS})
def review_list(request: HttpRequest, query: Query[ReviewListQuery]) -> dict[str, object]:
    """Reviews, newest first; `status` is a comma-separated list (pending, approved,
    rejected)."""
    request_agent(request)
    statuses = tuple(s for s in (query.status or "").split(",") if s)
    if any(s not in ReviewStatus.values for s in statuses):
        raise InvalidInput(
            _("status is a comma-separated list of: pending, approved, rejected."),
            loc=["query", "status"],
        )
    items, next_cursor = queries.api_page(
        statuses=statuses, cursor=query.cursor, limit=page_limit(query.limit)
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/orders/{number}/review-link", response={200: ReviewLinkOut, **ERRORS})
def review_link(request: HttpRequest, number: str = Path(..., max_length=64)) -> dict[str, object]:
    """The signed link where the order's customer reviews it without signing in (valid
    for SAPA_REVIEW_LINK_DAYS, default 60), for the shop's own emails."""
    require(Actor.integration(request_agent(request)), Permission.WRITE_ORDERS)
    order = _shop_order(number)
    if order is None:
        raise NotFound(_("No order with this number."))
    review = queries.find_review_of(order)
    can_review = order.status == OrderStatus.DELIVERED and (
        review is None or actions.is_editable(review)
    )
    return {"url": review_url(order), "expires_at": link_expires_at(), "can_review": can_review}

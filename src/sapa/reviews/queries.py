"""Named reads of reviews: the moderation queue, the API list, the public list with its
average, and the customer panel. Every list is keyset-paginated on (created_at, id)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, Q, QuerySet

from sapa.accounts.models import Agent
from sapa.commerce.models import Order
from sapa.core.cursors import decode_cursor, encode_cursor
from sapa.customers.models import Customer
from sapa.reviews.exceptions import ReviewNotFound
from sapa.reviews.models import Review, ReviewStatus

# Reviews the customer panel lists at most (newest first).
PANEL_LIMIT = 10


def _with_links(reviews: QuerySet[Review]) -> QuerySet[Review]:
    return reviews.select_related("order__customer", "moderated_by", "reply_by")


def access_review(agent: Agent, review_id: int) -> Review:
    """The review (any agent may read reviews: they are the customers' words about the
    shop, shown in every customer panel). Raises ReviewNotFound."""
    review = _with_links(Review.objects.filter(pk=review_id)).first()
    if review is None:
        raise ReviewNotFound()
    return review


def find_review_of(order: Order) -> Review | None:
    return Review.objects.filter(order=order).first()


def _page(
    reviews: QuerySet[Review], *, cursor: str | None, limit: int, oldest_first: bool = False
) -> tuple[list[Review], str | None]:
    """One page by (created_at, id), newest first unless `oldest_first`, and the next
    page's cursor. Raises InvalidInput (query.cursor) for a malformed cursor."""
    if cursor:
        at, pk = decode_cursor(cursor, shape=(datetime, int))
        if oldest_first:
            reviews = reviews.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk))
        else:
            reviews = reviews.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    order = ("created_at", "pk") if oldest_first else ("-created_at", "-pk")
    page = list(reviews.order_by(*order)[: limit + 1])
    next_cursor = None
    if len(page) > limit:
        page = page[:limit]
        next_cursor = encode_cursor(page[-1].created_at, page[-1].pk)
    return page, next_cursor


def moderation_page(
    *, status: ReviewStatus | None, cursor: str | None, limit: int
) -> tuple[list[Review], str | None]:
    """The console's list: pending reviews oldest first (a queue), the others (or all,
    with `status` None) newest first. Raises InvalidInput for a malformed cursor."""
    reviews = Review.objects.all() if status is None else Review.objects.filter(status=status)
    return _page(
        _with_links(reviews),
        cursor=cursor,
        limit=limit,
        oldest_first=status == ReviewStatus.PENDING,
    )


def count_pending() -> int:
    return Review.objects.filter(status=ReviewStatus.PENDING).count()


def api_page(
    *, statuses: tuple[str, ...], cursor: str | None, limit: int
) -> tuple[list[Review], str | None]:
    """The API's list, newest first, of `statuses` (all when empty)."""
    reviews = Review.objects.all()
    if statuses:
        reviews = reviews.filter(status__in=statuses)
    return _page(reviews.select_related("order"), cursor=cursor, limit=limit)


def _published(min_stars: int) -> QuerySet[Review]:
    reviews = Review.objects.filter(status=ReviewStatus.APPROVED)
    return reviews.filter(stars__gte=min_stars) if min_stars > 1 else reviews


def published_page(
    *, cursor: str | None, limit: int, min_stars: int = 1
) -> tuple[list[Review], str | None]:
    """Approved reviews, newest first: all that is ever shown publicly. One query."""
    return _page(_published(min_stars), cursor=cursor, limit=limit)


@dataclass(frozen=True)
class Summary:
    average: float | None  # stars, one decimal; None before the first review
    count: int


def published_summary(min_stars: int = 1) -> Summary:
    """The average stars and number of approved reviews (with at least `min_stars`)."""
    row = _published(min_stars).aggregate(average=Avg("stars"), count=Count("pk"))
    average = round(float(row["average"]), 1) if row["average"] is not None else None
    return Summary(average=average, count=row["count"])


def panel_reviews(customer: Customer) -> list[Review]:
    """The customer's reviews with their status, newest first (read through their orders,
    so reviews follow a customer merge). One query."""
    return list(
        Review.objects.filter(order__customer=customer)
        .select_related("order")
        .order_by("-created_at", "-pk")[:PANEL_LIMIT]
    )

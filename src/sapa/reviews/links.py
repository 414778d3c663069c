"""The signed link that lets a customer review one order without signing in.

The token names the order and the customer it belonged to when the link was made, signed
with the site's secret (django.core.signing, its own salt) and timestamped: it expires
after SAPA_REVIEW_LINK_DAYS (default 60). A forged token, or an order that now belongs to
someone else, is reported exactly like a missing one.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from sapa.commerce.models import Order
from sapa.core import clock
from sapa.customers.models import Customer
from sapa.reviews.exceptions import ReviewLinkExpired, ReviewLinkInvalid

_SALT = "sapa.reviews.link"
DEFAULT_LINK_DAYS = 60
# A merged customer points at the one it became; a chain longer than this is not followed.
_MAX_MERGE_HOPS = 5
_MAX_TOKEN_CHARS = 200


def link_days() -> int:
    return int(getattr(settings, "SAPA_REVIEW_LINK_DAYS", DEFAULT_LINK_DAYS))


def review_token(order: Order) -> str:
    return signing.dumps({"o": order.pk, "c": order.customer_id}, salt=_SALT)


def review_url(order: Order) -> str:
    """The absolute address (SAPA_BASE_URL) where the order's customer reviews it."""
    path = reverse("reviews:write", kwargs={"token": review_token(order)})
    return f"{settings.SAPA_BASE_URL}{path}"


def link_expires_at(now: datetime | None = None) -> datetime:
    """When a link made now stops working."""
    return (now or clock.now()) + timedelta(days=link_days())


def _same_person(linked_customer_id: int, current_customer_id: int) -> bool:
    """Whether the order's customer now is the one the link was made for (or the record
    that one was merged into)."""
    customer_id: int | None = linked_customer_id
    for _hop in range(_MAX_MERGE_HOPS + 1):
        if customer_id == current_customer_id:
            return True
        if customer_id is None:
            return False
        customer_id = (
            Customer.objects.filter(pk=customer_id).values_list("merged_into_id", flat=True).first()
        )
    return False


def order_for_token(token: str) -> Order:
    """The order a review token names, with its customer. Raises ReviewLinkExpired (signed
    by us but too old), ReviewLinkInvalid (anything else: forged, garbled, order gone or
    now another customer's)."""
    if not token or len(token) > _MAX_TOKEN_CHARS:
        raise ReviewLinkInvalid()
    try:
        payload = signing.loads(token, salt=_SALT, max_age=timedelta(days=link_days()))
    except signing.SignatureExpired:
        raise ReviewLinkExpired() from None
    except signing.BadSignature:
        raise ReviewLinkInvalid() from None
    if not isinstance(payload, dict):
        raise ReviewLinkInvalid()
    order_id, customer_id = payload.get("o"), payload.get("c")
    if not isinstance(order_id, int) or not isinstance(customer_id, int):
        raise ReviewLinkInvalid()
    order = Order.objects.select_related("customer").filter(pk=order_id).first()
    if order is None or not _same_person(customer_id, order.customer_id):
        raise ReviewLinkInvalid()
    return order

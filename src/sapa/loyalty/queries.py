"""Named reads of after-sale settings and promo codes: the settings row, the customer
panel's open codes, the console's list, finding a code the shop asks about."""

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Q, QuerySet

from sapa.channels.kinds import PHONE_KINDS
from sapa.channels.messages import Address
from sapa.core import clock
from sapa.core.cursors import decode_cursor, encode_cursor
from sapa.customers.models import Customer, Identity
from sapa.loyalty.codes import normalise_code
from sapa.loyalty.exceptions import PromoCodeNotFound
from sapa.loyalty.models import AfterSaleSettings, PromoCode, PromoCodeStatus

SETTINGS_PK = 1
# Open codes the customer panel lists at most (the soonest to expire first).
PANEL_LIMIT = 10


def get_after_sale_settings() -> AfterSaleSettings:
    """The one settings row, created with the defaults when missing (first read)."""
    row, _created = AfterSaleSettings.objects.get_or_create(pk=SETTINGS_PK)
    return row


def effective_status(code: PromoCode, *, now: datetime | None = None) -> str:
    """The code's status as a reader should see it: an active code past its expiry is
    expired even before the sweep has marked it."""
    moment = now or clock.now()
    if code.status == PromoCodeStatus.ACTIVE and code.expires_at <= moment:
        return PromoCodeStatus.EXPIRED
    return code.status


def panel_promo_codes(customer: Customer) -> list[PromoCode]:
    """The customer's codes that can still be used, the soonest to expire first; for the
    customer panel beside a ticket. One query."""
    return list(
        PromoCode.objects.filter(
            customer=customer, status=PromoCodeStatus.ACTIVE, expires_at__gt=clock.now()
        )
        .select_related("source_order")
        .order_by("expires_at", "pk")[:PANEL_LIMIT]
    )


def promo_code_page(
    *, statuses: Sequence[str], cursor: str | None, limit: int
) -> tuple[list[PromoCode], str | None]:
    """One page of issued codes (with `statuses`, all when empty), the newest first, and the
    next page's cursor. "expired" also finds active codes past their time that the sweep has
    not marked yet; "active" leaves those out. Raises InvalidInput for a malformed cursor."""
    codes = PromoCode.objects.select_related("customer", "source_order", "created_by")
    if statuses:
        codes = codes.filter(_status_filter(statuses))
    if cursor:
        created_at, pk = decode_cursor(cursor, shape=(datetime, int))
        codes = codes.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    page = list(codes.order_by("-created_at", "-pk")[: limit + 1])
    if len(page) <= limit:
        return page, None
    last = page[limit - 1]
    return page[:limit], encode_cursor(last.created_at, last.pk)


def _status_filter(statuses: Sequence[str]) -> Q:
    now = clock.now()
    wanted = Q(pk__in=[])
    for status in statuses:
        if status == PromoCodeStatus.ACTIVE:
            wanted |= Q(status=PromoCodeStatus.ACTIVE, expires_at__gt=now)
        elif status == PromoCodeStatus.EXPIRED:
            wanted |= Q(status=PromoCodeStatus.EXPIRED) | Q(
                status=PromoCodeStatus.ACTIVE, expires_at__lte=now
            )
        else:
            wanted |= Q(status=status)
    return wanted


def get_promo_code(raw: str, *, customer_addresses: Sequence[Address] = ()) -> PromoCode:
    """The code someone typed (case and spaces do not matter). With `customer_addresses`,
    only when the code belongs to a customer with one of them. Raises PromoCodeNotFound
    for all of: malformed, unknown, someone else's."""
    normalised = normalise_code(raw)
    if normalised is None:
        raise PromoCodeNotFound()
    code = PromoCode.objects.select_related("customer").filter(code=normalised).first()
    if code is None:
        raise PromoCodeNotFound()
    if customer_addresses and not _belongs_to(code, customer_addresses):
        raise PromoCodeNotFound()
    return code


def _belongs_to(code: PromoCode, addresses: Sequence[Address]) -> bool:
    matches = Q(pk__in=[])
    for address in addresses:
        if address.kind in PHONE_KINDS:
            matches |= Q(kind__in=PHONE_KINDS, value=address.value)
        else:
            matches |= Q(kind=address.kind, value=address.value)
    owners = {
        _surviving(customer)
        for customer in Customer.objects.filter(
            pk__in=Identity.objects.filter(matches).values("customer_id")
        ).select_related("merged_into")
    }
    return _surviving(code.customer) in owners


def _surviving(customer: Customer) -> int:
    """The id of the customer `customer` was merged into, in the end (itself if none)."""
    seen = {customer.pk}
    while customer.merged_into_id is not None and customer.merged_into_id not in seen:
        seen.add(customer.merged_into_id)
        customer = Customer.objects.get(pk=customer.merged_into_id)
    return int(customer.pk)


def customer_codes(customer: Customer) -> QuerySet[PromoCode]:
    """Every code of the customer, the newest first."""
    return PromoCode.objects.filter(customer=customer).order_by("-created_at", "-pk")

"""API endpoints for the shop's checkout: is this promo code usable, and redeem it.

Both answer 404 for a code that is malformed, unknown, or (when the customer's email or
phone is given) someone else's: the same answer, so the API never tells which codes exist.
"""

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from sapa.accounts.permissions import require
from sapa.api.auth import request_agent
from sapa.api.schemas import ErrorOut
from sapa.channels.kinds import IdentityKind
from sapa.channels.messages import Address
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, SapaError
from sapa.customers.addresses import InvalidAddress, normalise_address
from sapa.loyalty.actions import check_usable, discount_on, redeem_promo_code
from sapa.loyalty.exceptions import PromoCodeAlreadyRedeemed
from sapa.loyalty.models import PromoCode
from sapa.loyalty.permissions import REDEEM_CODES
from sapa.loyalty.queries import effective_status, get_promo_code
from sapa.loyalty.schemas import (
    AlreadyRedeemedOut,
    CodeCheckOut,
    CodeCheckQuery,
    RedeemIn,
    RedemptionOut,
)

router = Router(tags=["promo codes"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 410: ErrorOut}


def _addresses(email: str | None, phone: str | None, *, loc: list[str]) -> tuple[Address, ...]:
    found = []
    given = ((IdentityKind.EMAIL, email, "email"), (IdentityKind.PHONE, phone, "phone"))
    for kind, raw, name in given:
        if raw and raw.strip():
            try:
                found.append(normalise_address(kind, raw))
            except InvalidAddress as error:
                raise InvalidInput(error.message, loc=[*loc, name]) from error
    return tuple(found)


def _serialised(code: PromoCode) -> dict[str, object]:
    return {
        "code": code.code,
        "kind": code.kind,
        "status": effective_status(code),
        "discount_percent": code.discount_percent,
        "discount_minor": code.discount_minor,
        "currency": code.currency,
        "min_order_minor": code.min_order_minor,
        "expires_at": code.expires_at,
        "redeemed_at": code.redeemed_at,
        "redeemed_order_number": code.redeemed_order_number,
    }


@router.get("/{code}", response={200: CodeCheckOut, **ERRORS})
def check(
    request: HttpRequest, query: Query[CodeCheckQuery], code: str = Path(..., max_length=60)
) -> dict[str, object]:
    """Whether the code can be used now: by this customer (email/phone, optional), on an
    order of `order_total_minor` in `currency` (optional). 200 for any code that exists,
    with `usable`, the `reason` it is not, and the discount it would give; 404 otherwise."""
    require(Actor.integration(request_agent(request)), REDEEM_CODES)
    addresses = _addresses(query.email, query.phone, loc=["query"])
    promo = get_promo_code(code, customer_addresses=addresses)
    reason = message = None
    try:
        check_usable(
            promo, order_total_minor=query.order_total_minor, currency=query.currency,
            now=clock.now(),
        )  # fmt: skip
    except SapaError as error:
        reason, message = error.code, str(error.message)
    applied = None
    if reason is None and query.order_total_minor is not None:
        applied = discount_on(promo, query.order_total_minor)
    return {
        **_serialised(promo),
        "usable": reason is None,
        "reason": reason,
        "message": message,
        "discount_applied_minor": applied,
    }


@router.post(
    "/{code}/redeem",
    response={200: RedemptionOut, 409: AlreadyRedeemedOut, **ERRORS},
)
def redeem(request: HttpRequest, payload: RedeemIn, code: str = Path(..., max_length=60)) -> Status:
    """The customer used the code on order `order_number`: 200 with the discount; the same
    order again: 200, the same answer (`repeated`); 409 when another order used it (when,
    which order); 410 expired or void; 422 below the minimum order (`order_total_minor`) or
    in another currency; 404 unknown."""
    actor = Actor.integration(request_agent(request))
    require(actor, REDEEM_CODES)
    customer = payload.customer
    addresses = (
        _addresses(customer.email, customer.phone, loc=["body", "customer"]) if customer else ()
    )
    promo = get_promo_code(code, customer_addresses=addresses)
    try:
        redemption = redeem_promo_code(
            promo,
            order_number=payload.order_number,
            order_total_minor=payload.order_total_minor,
            currency=payload.currency,
            actor=actor,
        )
    except PromoCodeAlreadyRedeemed as error:
        return Status(
            409,
            {
                "detail": str(error.message),
                "code": error.code,
                "redeemed_at": error.redeemed_at,
                "redeemed_order_number": error.order_number,
            },
        )
    redeemed = redemption.code
    assert redeemed.redeemed_at is not None
    return Status(
        200,
        {
            "code": redeemed.code,
            "status": redeemed.status,
            "order_number": redemption.order_number,
            "order_total_minor": redemption.order_total_minor,
            "discount_applied_minor": redemption.discount_minor,
            "total_after_discount_minor": redemption.total_after_discount_minor,
            "currency": redeemed.currency,
            "redeemed_at": redeemed.redeemed_at,
            "repeated": redemption.repeated,
        },
    )

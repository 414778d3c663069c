"""Issuing, redeeming, voiding and expiring promo codes.

Exactly-once rules live in the database, not in "look, then insert": one code per
(source order, kind) is a unique constraint, and redeeming is a conditional UPDATE of an
active row, so of two checkouts redeeming one code at the same moment exactly one wins.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sapa.accounts.permissions import require
from sapa.commerce.models import Order
from sapa.core import clock
from sapa.core.actions import pending_event, record_event, record_events
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.customers.models import Customer
from sapa.loyalty.codes import generate_code
from sapa.loyalty.exceptions import (
    BelowMinimumOrder,
    CurrencyMismatch,
    PromoCodeAlreadyRedeemed,
    PromoCodeGone,
)
from sapa.loyalty.models import AfterSaleSettings, DiscountKind, PromoCode, PromoCodeKind
from sapa.loyalty.models import PromoCodeStatus as Status
from sapa.loyalty.permissions import MANAGE_CODES, REDEEM_CODES
from sapa.loyalty.queries import effective_status

# Rp1.000.000.000.000: far above any discount or order, far below the database's limit.
MAX_AMOUNT_MINOR = 10**12
# Draws of a new random code before giving up; a collision is already a 1-in-2^59 event.
_CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class Discount:
    """What a code is worth: `percent` of the order or a fixed `amount_minor` (one of them),
    from `min_order_minor` up, for `valid_days`."""

    percent: int | None
    amount_minor: int | None
    currency: str = "IDR"
    min_order_minor: int = 0
    valid_days: int = 30

    @classmethod
    def of(cls, config: AfterSaleSettings) -> "Discount":
        is_percent = config.discount_kind == DiscountKind.PERCENT
        return cls(
            percent=config.discount_percent if is_percent else None,
            amount_minor=None if is_percent else config.discount_minor,
            currency=config.currency,
            min_order_minor=config.min_order_minor,
            valid_days=config.code_valid_days,
        )


def _check_discount(discount: Discount) -> None:
    if (discount.percent is None) == (discount.amount_minor is None):
        raise InvalidInput(_("Give either a percentage or an amount."), loc=["discount_percent"])
    if discount.percent is not None and not 1 <= discount.percent <= 100:
        raise InvalidInput(_("Give a number from 1 to 100."), loc=["discount_percent"])
    if discount.amount_minor is not None and not 1 <= discount.amount_minor <= MAX_AMOUNT_MINOR:
        raise InvalidInput(
            _("Give an amount from 1 to %(maximum)d.") % {"maximum": MAX_AMOUNT_MINOR},
            loc=["discount_minor"],
        )
    if not 0 <= discount.min_order_minor <= MAX_AMOUNT_MINOR:
        raise InvalidInput(
            _("Give a minimum order from 0 to %(maximum)d.") % {"maximum": MAX_AMOUNT_MINOR},
            loc=["min_order_minor"],
        )
    if not 1 <= discount.valid_days <= 365:
        raise InvalidInput(_("Give a number from 1 to 365."), loc=["valid_days"])


def _summary(code: PromoCode) -> dict[str, object]:
    return {
        "code": code.code,
        "kind": code.kind,
        "customer_id": code.customer_id,
        "source_order_id": code.source_order_id,
        "discount_percent": code.discount_percent,
        "discount_minor": code.discount_minor,
        "currency": code.currency,
        "min_order_minor": code.min_order_minor,
        "expires_at": code.expires_at.isoformat(),
    }


def _insert(
    customer: Customer,
    *,
    kind: PromoCodeKind,
    discount: Discount,
    prefix: str,
    actor: Actor,
    source_order: Order | None = None,
    note: str = "",
) -> PromoCode:
    """One new row and its "promo_code.issued" Event, in a savepoint (IntegrityError when
    the code string or the (order, kind) pair is taken; the savepoint is rolled back)."""
    now = clock.now()
    with transaction.atomic():
        code = PromoCode.objects.create(
            code=generate_code(prefix),
            customer=customer,
            source_order=source_order,
            kind=kind,
            discount_percent=discount.percent,
            discount_minor=discount.amount_minor,
            currency=discount.currency,
            min_order_minor=discount.min_order_minor,
            expires_at=now + timedelta(days=discount.valid_days),
            note=note[:300],
            created_by=actor.agent,
            created_at=now,
        )
        record_event(actor, "promo_code.issued", code, after=_summary(code))
    return code


def issue_code_for_order(
    order: Order, *, kind: PromoCodeKind, discount: Discount, prefix: str, actor: Actor
) -> tuple[PromoCode, bool]:
    """The `kind` code of `order` (thank-you: for this delivery; win-back: for the silence
    after it), issued to the order's customer if there is none yet; (code, created).

    However often and however concurrently it is called for one order, one code exists:
    the unique (source_order, kind) constraint makes a concurrent second insert fail, and
    the loop then finds the first one's row.
    """
    for _attempt in range(_CODE_ATTEMPTS):
        existing = PromoCode.objects.filter(source_order=order, kind=kind).first()
        if existing is not None:
            return existing, False
        try:
            code = _insert(
                order.customer,
                kind=kind,
                discount=discount,
                prefix=prefix,
                actor=actor,
                source_order=order,
            )
        except IntegrityError:
            # Someone else's code for this order committed first (found on the next turn),
            # or the random code string was taken (drawn again).
            continue
        return code, True
    raise IntegrityError(f"no {kind} promo code could be issued for order {order.pk}")


def issue_manual_code(
    customer: Customer, *, discount: Discount, note: str, prefix: str, actor: Actor
) -> PromoCode:
    """A code an agent gives a customer (an apology, a goodwill gesture). Raises
    PermissionDenied (supervisors and admins), InvalidInput (loc: the discount field)."""
    require(actor, MANAGE_CODES)
    _check_discount(discount)
    for _attempt in range(_CODE_ATTEMPTS):
        try:
            return _insert(
                customer,
                kind=PromoCodeKind.MANUAL,
                discount=discount,
                prefix=prefix,
                actor=actor,
                note=note.strip(),
            )
        except IntegrityError:
            continue
    raise IntegrityError("no promo code could be issued")


@dataclass(frozen=True)
class Redemption:
    code: PromoCode
    order_number: str
    order_total_minor: int
    discount_minor: int
    # True when this order had redeemed the code already (the shop asked again).
    repeated: bool

    @property
    def total_after_discount_minor(self) -> int:
        return self.order_total_minor - self.discount_minor


def discount_on(code: PromoCode, order_total_minor: int) -> int:
    """What the code takes off an order of `order_total_minor`: a percentage rounded down
    (never more than promised), a fixed amount at most the total."""
    if code.discount_percent is not None:
        return order_total_minor * code.discount_percent // 100
    return min(code.discount_minor or 0, order_total_minor)


def check_usable(
    code: PromoCode, *, order_total_minor: int | None, currency: str | None, now: datetime
) -> None:
    """Raise why `code` cannot be used now on such an order: PromoCodeAlreadyRedeemed,
    PromoCodeGone (expired, void), CurrencyMismatch, BelowMinimumOrder. The order checks
    only apply to what is given."""
    status = effective_status(code, now=now)
    if status == Status.REDEEMED:
        assert code.redeemed_at is not None
        raise PromoCodeAlreadyRedeemed(
            order_number=code.redeemed_order_number, redeemed_at=code.redeemed_at
        )
    if status != Status.ACTIVE:
        raise PromoCodeGone(status=status)
    if currency is not None and currency != code.currency:
        raise CurrencyMismatch(
            _("This code is for orders in %(currency)s.") % {"currency": code.currency}
        )
    if order_total_minor is not None and order_total_minor < code.min_order_minor:
        raise BelowMinimumOrder(
            _("This code needs an order of at least %(minimum)d (minor units).")
            % {"minimum": code.min_order_minor}
        )


def redeem_promo_code(
    code: PromoCode,
    *,
    order_number: str,
    order_total_minor: int,
    currency: str,
    actor: Actor,
) -> Redemption:
    """The shop used `code` on order `order_number`: mark it redeemed, once.

    Asking again for the same order number returns the first result (the shop retried);
    for any other order it is refused. Two concurrent redemptions: the conditional UPDATE
    lets exactly one through; the other sees the winner's row. A "promo_code.redeemed"
    Event. Raises PermissionDenied, PromoCodeAlreadyRedeemed (409), PromoCodeGone (410),
    BelowMinimumOrder, CurrencyMismatch (422).
    """
    require(actor, REDEEM_CODES)
    order_number = order_number.strip()
    now = clock.now()
    with transaction.atomic():
        current = PromoCode.objects.get(pk=code.pk)
        if repeated := _same_order(current, order_number):
            return repeated
        check_usable(current, order_total_minor=order_total_minor, currency=currency, now=now)
        discount = discount_on(current, order_total_minor)
        won = PromoCode.objects.filter(
            pk=current.pk, status=Status.ACTIVE, expires_at__gt=now
        ).update(
            status=Status.REDEEMED,
            redeemed_at=now,
            redeemed_order_number=order_number,
            redeemed_order_total_minor=order_total_minor,
            redeemed_amount_minor=discount,
        )
        if not won:
            # Another redemption (or the expiry sweep) changed the row since we read it.
            current = PromoCode.objects.get(pk=code.pk)
            if repeated := _same_order(current, order_number):
                return repeated
            check_usable(current, order_total_minor=None, currency=None, now=now)
            raise AssertionError("a code that could not be redeemed is still usable")
        current.refresh_from_db()
        record_event(
            actor,
            "promo_code.redeemed",
            current,
            before={"status": Status.ACTIVE},
            after={
                "status": Status.REDEEMED,
                "customer_id": current.customer_id,
                "order_number": order_number,
                "order_total_minor": order_total_minor,
                "discount_minor": discount,
                "currency": currency,
            },
        )
    return Redemption(
        code=current,
        order_number=order_number,
        order_total_minor=order_total_minor,
        discount_minor=discount,
        repeated=False,
    )


def _same_order(code: PromoCode, order_number: str) -> Redemption | None:
    if code.status != Status.REDEEMED or code.redeemed_order_number != order_number:
        return None
    return Redemption(
        code=code,
        order_number=order_number,
        order_total_minor=code.redeemed_order_total_minor or 0,
        discount_minor=code.redeemed_amount_minor or 0,
        repeated=True,
    )


def void_promo_code(code: PromoCode, *, reason: str, actor: Actor) -> bool:
    """Make an active code unusable (its order was returned; an agent withdrew it). False
    when it was not active any more (redeemed codes stay redeemed). A "promo_code.voided"
    Event. Raises PermissionDenied for agents below MANAGE_CODES."""
    require(actor, MANAGE_CODES)
    with transaction.atomic():
        changed = PromoCode.objects.filter(pk=code.pk, status=Status.ACTIVE).update(
            status=Status.VOID, void_reason=reason[:300]
        )
        if changed:
            code.status, code.void_reason = Status.VOID, reason[:300]
            record_event(
                actor,
                "promo_code.voided",
                code,
                before={"status": Status.ACTIVE},
                after={"status": Status.VOID, "reason": reason[:300]},
            )
    return bool(changed)


def expire_promo_codes(*, now: datetime, batch: int = 500) -> int:
    """Mark active codes past their expiry as expired, `batch` at a time; how many. Each
    gets a "promo_code.expired" Event. Safe on several workers at once (the UPDATE only
    takes rows still active)."""
    actor = Actor.system("promo-code-expiry")
    expired = 0
    while True:
        with transaction.atomic():
            ids = list(
                PromoCode.objects.filter(status=Status.ACTIVE, expires_at__lte=now)
                .order_by("expires_at", "pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return expired
            taken = list(
                PromoCode.objects.select_for_update(skip_locked=True)
                .filter(pk__in=ids, status=Status.ACTIVE)
                .values_list("pk", flat=True)
            )
            PromoCode.objects.filter(pk__in=taken).update(status=Status.EXPIRED)
            record_events(
                actor,
                [
                    pending_event(
                        "promo_code.expired",
                        PromoCode(pk=pk),
                        before={"status": Status.ACTIVE},
                        after={"status": Status.EXPIRED},
                    )
                    for pk in taken
                ],
            )
            expired += len(taken)
            if not taken:
                # Every row of this batch is another worker's right now.
                return expired


def move_codes_to_customer(*, from_customer_id: int, into_customer_id: int) -> int:
    """When two customers become one, the merged one's codes follow; how many moved."""
    return PromoCode.objects.filter(customer_id=from_customer_id).update(
        customer_id=into_customer_id
    )

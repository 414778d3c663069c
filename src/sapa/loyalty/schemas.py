"""API schemas for promo codes."""

from datetime import datetime

from ninja import Field, Schema

# Far above any real order, far below the database's 64-bit limit.
MAX_ORDER_MINOR = 10**15


class CodeCustomerIn(Schema):
    """Who is checking out: with an email or phone, a code of someone else is "unknown"."""

    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=40)


class CodeCheckQuery(Schema):
    order_total_minor: int | None = Field(None, ge=0, le=MAX_ORDER_MINOR)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=40)


class RedeemIn(Schema):
    order_number: str = Field(min_length=1, max_length=64)
    order_total_minor: int = Field(
        ge=0, le=MAX_ORDER_MINOR, description="In minor units (IDR: 150000 = Rp150.000)"
    )
    currency: str = Field("IDR", pattern=r"^[A-Z]{3}$")
    customer: CodeCustomerIn | None = None


class PromoCodeOut(Schema):
    code: str
    kind: str
    status: str
    discount_percent: int | None
    discount_minor: int | None
    currency: str
    min_order_minor: int
    expires_at: datetime
    redeemed_at: datetime | None
    redeemed_order_number: str


class CodeCheckOut(PromoCodeOut):
    usable: bool
    # Why not, as an error code ("promo_code_redeemed", "promo_code_expired",
    # "promo_code_void", "below_minimum_order", "currency_mismatch"), and in words.
    reason: str | None
    message: str | None
    # With order_total_minor: what the code would take off it.
    discount_applied_minor: int | None


class RedemptionOut(Schema):
    code: str
    status: str
    order_number: str
    order_total_minor: int
    discount_applied_minor: int
    total_after_discount_minor: int
    currency: str
    redeemed_at: datetime
    repeated: bool


class AlreadyRedeemedOut(Schema):
    detail: str
    code: str
    redeemed_at: datetime
    redeemed_order_number: str

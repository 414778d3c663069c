"""Errors of after-sale and promo codes (mapped to HTTP by sapa.api.errors)."""

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapa.core.exceptions import Conflict, InvalidInput, NotFound, SapaError


class PromoCodeNotFound(NotFound):
    """Unknown, malformed, or not this customer's: the same answer for all three, so that
    the API tells nobody which codes exist."""

    code = "promo_code_not_found"
    default_message = gettext_lazy("No such promo code.")


class PromoCodeAlreadyRedeemed(Conflict):
    code = "promo_code_redeemed"

    def __init__(self, *, order_number: str, redeemed_at: datetime) -> None:
        self.order_number = order_number
        self.redeemed_at = redeemed_at
        super().__init__(
            _("This code was already used on order %(number)s.") % {"number": order_number}
        )


class PromoCodeGone(SapaError):
    """Expired or void: it existed, it cannot be used any more."""

    status = 410

    def __init__(self, *, status: str) -> None:
        self.code = f"promo_code_{status}"
        message = {
            "expired": gettext_lazy("This promo code has expired."),
            "void": gettext_lazy("This promo code is no longer valid."),
        }.get(status, gettext_lazy("This promo code cannot be used."))
        super().__init__(message)


class BelowMinimumOrder(InvalidInput):
    code = "below_minimum_order"
    default_loc = ("body", "order_total_minor")


class CurrencyMismatch(InvalidInput):
    code = "currency_mismatch"
    default_loc = ("body", "currency")

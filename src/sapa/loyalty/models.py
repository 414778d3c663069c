from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sapa.commerce.models import Order
from sapa.core import clock
from sapa.customers.models import Customer


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("Percentage of the order")
    AMOUNT = "amount", _("Fixed amount")


class AfterSaleSettings(models.Model):
    """What happens after a sale, for the one shop of this installation: one row (pk 1),
    created with the defaults on first read (sapa.loyalty.queries.get_after_sale_settings).

    Message texts are kept per language (`_id` Indonesian, `_en` English) and may use the
    placeholders of sapa.loyalty.texts; an empty text means the built-in default text.
    """

    # Thank-you when an order is delivered, with a promo code when `thank_you_promo`.
    thank_you_enabled = models.BooleanField(default=True)
    thank_you_text_id = models.TextField(blank=True)
    thank_you_text_en = models.TextField(blank=True)
    thank_you_promo = models.BooleanField(default=True)
    # The sentence about the code, added to a thank-you or win-back that carries one.
    promo_text_id = models.TextField(blank=True)
    promo_text_en = models.TextField(blank=True)
    # The discount of every code issued by a sequence.
    discount_kind = models.CharField(
        max_length=8, choices=DiscountKind.choices, default=DiscountKind.PERCENT
    )
    discount_percent = models.PositiveSmallIntegerField(default=10)
    discount_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, default="IDR")
    code_valid_days = models.PositiveSmallIntegerField(default=30)
    min_order_minor = models.BigIntegerField(default=0)
    code_prefix = models.CharField(max_length=10, blank=True, default="SAPA")
    # Review request N days after delivery (a link from sapa.reviews).
    review_enabled = models.BooleanField(default=True)
    review_after_days = models.PositiveSmallIntegerField(default=7)
    review_text_id = models.TextField(blank=True)
    review_text_en = models.TextField(blank=True)
    # Win-back for customers with an order who went quiet for M days.
    win_back_enabled = models.BooleanField(default=False)
    win_back_after_days = models.PositiveSmallIntegerField(default=90)
    win_back_text_id = models.TextField(blank=True)
    win_back_text_en = models.TextField(blank=True)
    win_back_promo = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=clock.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("after-sale settings")
        verbose_name_plural = _("after-sale settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gte=1, discount_percent__lte=100),
                name="aftersale_discount_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(discount_minor__gte=0), name="aftersale_discount_minor_positive"
            ),
        ]

    def __str__(self) -> str:
        return "after-sale settings"


class PromoCodeKind(models.TextChoices):
    THANK_YOU = "thank_you", _("Thank-you")
    WIN_BACK = "win_back", _("Win-back")
    MANUAL = "manual", _("Issued by an agent")


class PromoCodeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REDEEMED = "redeemed", _("Redeemed")
    EXPIRED = "expired", _("Expired")
    VOID = "void", _("Void")


class PromoCode(models.Model):
    """A single-use discount code for one customer.

    A code stays "active" in the row until the expiry sweep marks it "expired"; readers
    ask `is_usable_at(now)`, so a code past its time is never accepted in between.
    """

    code = models.CharField(max_length=40, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="promo_codes")
    # The delivered order a thank-you code thanks for, or the last order before a win-back.
    source_order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="promo_codes"
    )
    kind = models.CharField(max_length=16, choices=PromoCodeKind.choices)
    # Exactly one of the two is set (constraint below).
    discount_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    discount_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="IDR")
    min_order_minor = models.BigIntegerField(default=0)
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=PromoCodeStatus.choices, default=PromoCodeStatus.ACTIVE
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_order_number = models.CharField(max_length=64, blank=True)
    redeemed_order_total_minor = models.BigIntegerField(null=True, blank=True)
    # The discount given on that order.
    redeemed_amount_minor = models.BigIntegerField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            # One thank-you code per delivered order and one win-back code per silence
            # period, however often (and however concurrently) the event is handled.
            models.UniqueConstraint(
                fields=["source_order", "kind"],
                condition=Q(source_order__isnull=False) & ~Q(kind="manual"),
                name="promocode_one_per_order_and_kind",
            ),
            models.CheckConstraint(
                condition=(Q(discount_percent__isnull=False) & Q(discount_minor__isnull=True))
                | (Q(discount_percent__isnull=True) & Q(discount_minor__isnull=False)),
                name="promocode_one_discount",
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__isnull=True)
                | Q(discount_percent__gte=1, discount_percent__lte=100),
                name="promocode_percent_range",
            ),
        ]
        indexes = [
            # The customer panel: open codes of one customer, soonest to expire first.
            models.Index(
                fields=["customer", "status", "expires_at"], name="promocode_customer_idx"
            ),
            # The console list, newest first, filtered by status.
            models.Index(fields=["status", "-created_at", "-id"], name="promocode_status_idx"),
            models.Index(fields=["-created_at", "-id"], name="promocode_created_idx"),
            # The expiry sweep.
            models.Index(
                fields=["expires_at"],
                condition=Q(status="active"),
                name="promocode_active_expiry_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class WinBack(models.Model):
    """A win-back planned for a customer who went quiet after `last_order`: one per silence
    period. A new order starts a new period (and may earn a new win-back later)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="win_backs")
    last_order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="win_back")
    promo_code = models.ForeignKey(
        PromoCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    planned_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["customer", "-planned_at"], name="winback_customer_idx")]

    def __str__(self) -> str:
        return f"win-back {self.customer_id} after order {self.last_order_id}"

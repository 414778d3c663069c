from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sapa.commerce.models import Order
from sapa.core import clock
from sapa.customers.models import Customer


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Rejected")


class ReviewSource(models.TextChoices):
    LINK = "link", _("Review link")
    SHOP = "shop", _("Sent by the shop")


class Review(models.Model):
    """A customer's rating and words about one delivered order.

    Only approved reviews are ever shown publicly, under `display_name` (never the
    customer's email address or phone number). `sentiment` is what
    sapa.engagement.sentiment made of the title and text when they were last written.
    """

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="review")
    # The order's customer when the review was written; the customer panel reads reviews
    # through the order, so a later customer merge needs no change here.
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="reviews")
    stars = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120, blank=True)
    text = models.TextField(blank=True)
    language = models.CharField(max_length=8, default="id")
    sentiment = models.CharField(max_length=8, blank=True)
    display_name = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=8, choices=ReviewSource.choices)
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reject_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    reply_text = models.TextField(blank=True)
    reply_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="review_stars_1_to_5"
            ),
        ]
        indexes = [
            # The moderation queue (per status, oldest or newest first) and the public list
            # (approved, newest first).
            models.Index(fields=["status", "created_at", "id"], name="review_status_created_idx"),
            models.Index(fields=["created_at", "id"], name="review_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ {self.order_id}"

from django.db import models
from django.utils.translation import gettext_lazy as _

from sapa.core import clock
from sapa.customers.models import Customer


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    PAID = "paid", _("Paid")
    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    IN_TRANSIT = "in_transit", _("In transit")
    DELIVERED = "delivered", _("Delivered")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


class Order(models.Model):
    shop = models.CharField(max_length=64, default="default")
    number = models.CharField(max_length=64)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=16, choices=OrderStatus.choices)
    total_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="IDR")
    placed_at = models.DateTimeField()
    # [{"sku": ..., "name": ..., "quantity": ..., "unit_price_minor": ...}]
    items = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "number"], name="order_shop_number_unique"),
        ]
        indexes = [models.Index(fields=["customer", "-placed_at"], name="order_customer_idx")]

    def __str__(self) -> str:
        return self.number


class ShipmentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for pickup")
    PICKED_UP = "picked_up", _("Picked up")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    FAILED_DELIVERY = "failed_delivery", _("Delivery failed")
    RETURNED = "returned", _("Returned to sender")


class Shipment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(max_length=32)
    tracking_number = models.CharField(max_length=64)
    status = models.CharField(
        max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.PENDING
    )
    last_event_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="shipment_tracking_unique"
            ),
        ]
        indexes = [models.Index(fields=["tracking_number"], name="shipment_tracking_idx")]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"


class ShipmentEvent(models.Model):
    """One scan or status update from the carrier ("Paket diterima di gudang Medan")."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=ShipmentStatus.choices)
    description = models.CharField(max_length=500, blank=True)
    location = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "at", "status", "description"], name="shipmentevent_unique"
            ),
        ]
        indexes = [models.Index(fields=["shipment", "-at"], name="shipmentevent_idx")]

    def __str__(self) -> str:
        return f"{self.shipment} {self.status} {self.at:%Y-%m-%d %H:%M}"

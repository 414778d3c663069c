from django.db import models
from django.db.models import Q
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


class StatusSource(models.TextChoices):
    """Who set an order's current status: the shop, or Sapa from the carrier's tracking."""

    SHOP = "shop", _("Shop")
    TRACKING = "tracking", _("Tracking")


class Order(models.Model):
    shop = models.CharField(max_length=64, default="default")
    number = models.CharField(max_length=64)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=16, choices=OrderStatus.choices)
    # When the current status was reached, as the shop reported it (`status_at`) or as Sapa
    # saw it; an update with an older `status_at` is stale. Null for orders stored before.
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_source = models.CharField(
        max_length=16, choices=StatusSource.choices, default=StatusSource.SHOP
    )
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


# Shipments in these statuses are done: never watched for delays.
FINAL_SHIPMENT_STATUSES = (ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED)


class Shipment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    # As the shop first wrote it ("J&T"); `carrier_code` is the normalised code ("jnt")
    # that identifies the carrier (sapa.commerce.carriers).
    carrier = models.CharField(max_length=32)
    carrier_code = models.CharField(max_length=32)
    tracking_number = models.CharField(max_length=64)
    status = models.CharField(
        max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.PENDING
    )
    # The time of the fact the status comes from (the latest tracking event, or when the
    # shop reported it): a tracking event older than this never changes the status.
    status_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    # Set when the carrier has been silent longer than its policy allows; cleared by the
    # next tracking event (sapa.commerce.actions.delays).
    delayed_since = models.DateTimeField(null=True, blank=True)
    delay_ticket = models.ForeignKey(
        "conversations.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delayed_shipments",
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["carrier_code", "tracking_number"], name="shipment_carrier_tracking_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["tracking_number"], name="shipment_tracking_idx"),
            # The delay sweep: shipments still on their way and not flagged yet.
            models.Index(
                fields=["carrier_code", "last_event_at"],
                condition=Q(delayed_since__isnull=True) & ~Q(status__in=["delivered", "returned"]),
                name="shipment_watch_idx",
            ),
            # The delayed-shipments list.
            models.Index(
                fields=["-delayed_since", "-id"],
                condition=Q(delayed_since__isnull=False),
                name="shipment_delayed_idx",
            ),
        ]

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


class CarrierPolicy(models.Model):
    """How long a carrier may stay silent about a parcel before Sapa calls it delayed."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    days_without_event = models.PositiveSmallIntegerField()
    # Whether the customer gets a proactive "sorry, your parcel is late" message.
    notify_customer = models.BooleanField(default=True)
    # Inactive: this carrier's parcels are not watched at all.
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "carrier policies"

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    # Previewed and never confirmed: the stored file was deleted.
    EXPIRED = "expired", _("Expired")


class OrderImport(models.Model):
    """A CSV file of orders uploaded in the console: previewed, then imported on request.

    The file is kept in storage (`stored_name`) between the preview and the import, so
    the import reads exactly what was previewed, never data sent back by the browser.
    """

    public_id = models.CharField(max_length=32, unique=True)
    uploaded_by = models.ForeignKey(
        "accounts.Agent", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=255)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    # {"counts": {"new": n, ...}, "rows": [...], "errors": [...]} (sapa.commerce.imports)
    preview = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["uploaded_by", "-created_at"], name="orderimport_by_idx")]

    def __str__(self) -> str:
        return self.filename

from django.contrib import admin

from sapa.commerce.models import CarrierPolicy, Order, OrderImport, Shipment, ShipmentEvent
from sapa.core.read_only_admin import (
    ReadOnlyModelAdmin,
    ReadOnlyTabularInline,
)


class ShipmentInline(ReadOnlyTabularInline):
    model = Shipment
    extra = 0
    show_change_link = True


@admin.register(Order)
class OrderAdmin(ReadOnlyModelAdmin):
    list_display = ["number", "customer", "status", "total_minor", "currency", "placed_at"]
    list_filter = ["status", "currency"]
    search_fields = ["number", "customer__name"]
    raw_id_fields = ["customer"]
    inlines = [ShipmentInline]


class ShipmentEventInline(ReadOnlyTabularInline):
    model = ShipmentEvent
    extra = 0


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyModelAdmin):
    list_display = [
        "tracking_number",
        "carrier",
        "status",
        "order",
        "last_event_at",
        "delayed_since",
    ]
    list_filter = ["carrier_code", "status"]
    search_fields = ["tracking_number", "order__number"]
    raw_id_fields = ["order", "delay_ticket"]
    inlines = [ShipmentEventInline]


@admin.register(CarrierPolicy)
class CarrierPolicyAdmin(ReadOnlyModelAdmin):
    """Edited in the console (Orders → Carrier delay policies), which records who did it."""

    list_display = ["name", "code", "days_without_event", "notify_customer", "active"]
    list_filter = ["active", "notify_customer"]


@admin.register(OrderImport)
class OrderImportAdmin(ReadOnlyModelAdmin):
    list_display = ["filename", "uploaded_by", "row_count", "status", "created_at"]
    list_filter = ["status"]
    exclude = ["preview", "result"]

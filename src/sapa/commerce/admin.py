from django.contrib import admin

from sapa.commerce.models import Order, Shipment, ShipmentEvent
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
    list_display = ["tracking_number", "carrier", "status", "order", "last_event_at"]
    list_filter = ["carrier", "status"]
    search_fields = ["tracking_number", "order__number"]
    raw_id_fields = ["order"]
    inlines = [ShipmentEventInline]

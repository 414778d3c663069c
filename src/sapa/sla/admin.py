from django.contrib import admin

from sapa.core.read_only_admin import ReadOnlyModelAdmin, ReadOnlyTabularInline
from sapa.sla.models import BusinessCalendar, Holiday, SlaClock, SlaPolicy, SlaTarget


class HolidayInline(ReadOnlyTabularInline):
    model = Holiday
    fields = ("date", "name", "kind", "from_package", "is_active")


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "zone", "hours", "is_default")
    inlines = [HolidayInline]


class TargetInline(ReadOnlyTabularInline):
    model = SlaTarget


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "position", "is_active", "calendar")
    inlines = [TargetInline]


@admin.register(SlaClock)
class SlaClockAdmin(ReadOnlyModelAdmin):
    list_display = ("ticket", "metric", "run", "due_at", "stopped_at", "outcome")
    list_filter = ("metric", "outcome")
    raw_id_fields = ("ticket",)

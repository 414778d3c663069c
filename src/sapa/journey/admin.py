from django.contrib import admin

from sapa.core.read_only_admin import ReadOnlyModelAdmin
from sapa.journey.models import CustomerJourney, JourneySignal, StageTransition


@admin.register(StageTransition)
class StageTransitionAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "customer", "from_stage", "to_stage", "source", "reason"]
    list_filter = ["to_stage"]
    search_fields = ["customer__name", "source", "reason"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]


@admin.register(CustomerJourney)
class CustomerJourneyAdmin(ReadOnlyModelAdmin):
    list_display = ["customer", "stage", "stage_since", "first_contact_channel", "orders_count"]
    list_filter = ["stage", "first_contact_channel", "is_internal"]
    search_fields = ["customer__name"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]


@admin.register(JourneySignal)
class JourneySignalAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "customer", "kind", "value_minor", "currency", "external_id"]
    list_filter = ["kind"]
    search_fields = ["customer__name", "external_id"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]

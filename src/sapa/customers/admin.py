from django.contrib import admin

from sapa.core.read_only_admin import (
    ReadOnlyModelAdmin,
    ReadOnlyTabularInline,
)
from sapa.customers.models import Customer, Identity, MergeSuggestion


class IdentityInline(ReadOnlyTabularInline):
    model = Identity
    extra = 0


@admin.register(Customer)
class CustomerAdmin(ReadOnlyModelAdmin):
    list_display = ["__str__", "lifecycle_stage", "language", "is_internal", "created_at"]
    list_filter = ["lifecycle_stage", "is_internal", "language"]
    search_fields = ["name", "identities__value"]
    inlines = [IdentityInline]
    raw_id_fields = ["merged_into"]
    filter_horizontal = ["tags"]


@admin.register(MergeSuggestion)
class MergeSuggestionAdmin(ReadOnlyModelAdmin):
    list_display = ["customer", "other", "status", "address_kind", "address_value", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["customer", "other"]

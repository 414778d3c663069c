from django.contrib import admin

from sapa.customers.models import Customer, Identity, MergeSuggestion


class IdentityInline(admin.TabularInline):
    model = Identity
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "lifecycle_stage", "language", "is_internal", "created_at"]
    list_filter = ["lifecycle_stage", "is_internal", "language"]
    search_fields = ["name", "identities__value"]
    inlines = [IdentityInline]
    raw_id_fields = ["merged_into"]
    filter_horizontal = ["tags"]


@admin.register(MergeSuggestion)
class MergeSuggestionAdmin(admin.ModelAdmin):
    list_display = ["customer", "other", "status", "reason", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["customer", "other"]

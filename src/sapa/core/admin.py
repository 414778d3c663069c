from django.contrib import admin

from sapa.core.models import Event, Tag


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The audit trail, read-only: events are written by actions and never edited."""

    list_display = ["at", "verb", "subject_type", "subject_id", "actor_kind", "actor_label"]
    list_filter = ["verb", "subject_type", "actor_kind"]
    search_fields = ["verb", "actor_label"]
    date_hierarchy = "at"

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]

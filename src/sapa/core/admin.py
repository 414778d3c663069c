from django.contrib import admin

from sapa.core.models import Event, Tag
from sapa.core.read_only_admin import ReadOnlyModelAdmin


@admin.register(Event)
class EventAdmin(ReadOnlyModelAdmin):
    """The audit trail, read-only: events are written by actions and never edited."""

    list_display = ["at", "verb", "subject_type", "subject_id", "actor_kind", "actor_label"]
    list_filter = ["verb", "subject_type", "actor_kind"]
    search_fields = ["verb", "actor_label"]
    date_hierarchy = "at"


@admin.register(Tag)
class TagAdmin(ReadOnlyModelAdmin):
    search_fields = ["name"]

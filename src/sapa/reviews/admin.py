from django.contrib import admin

from sapa.core.read_only_admin import ReadOnlyModelAdmin
from sapa.reviews.models import Review


@admin.register(Review)
class ReviewAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "stars", "status", "display_name", "order", "created_at"]
    list_filter = ["status", "stars", "source"]
    search_fields = ["title", "text", "order__number"]
    list_select_related = ["order"]
    raw_id_fields = ["order", "customer", "moderated_by", "reply_by"]

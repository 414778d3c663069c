from django.contrib import admin

from sapa.core.read_only_admin import ReadOnlyModelAdmin
from sapa.promises.models import Promise


@admin.register(Promise)
class PromiseAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "text", "due_at", "status", "owner", "ticket", "customer"]
    list_filter = ["status"]
    search_fields = ["text", "customer__name"]
    list_select_related = ["owner", "ticket", "customer"]
    raw_id_fields = ["ticket", "customer", "owner", "created_by", "resolved_by",
                     "follow_up_message"]  # fmt: skip

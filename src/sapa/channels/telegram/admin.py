from django.contrib import admin

from sapa.channels.telegram.models import TelegramUpdate
from sapa.core.read_only_admin import ReadOnlyModelAdmin


@admin.register(TelegramUpdate)
class TelegramUpdateAdmin(ReadOnlyModelAdmin):
    """Every update Telegram delivered, raw, with what became of it."""

    list_display = ["received_at", "bot", "update_id", "kind", "status", "reason"]
    list_filter = ["status", "kind"]
    search_fields = ["raw", "reason"]

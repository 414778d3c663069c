from django.contrib import admin

from sapa.channels.models import LoggedDelivery
from sapa.core.read_only_admin import (
    ReadOnlyModelAdmin,
)


@admin.register(LoggedDelivery)
class LoggedDeliveryAdmin(ReadOnlyModelAdmin):
    """What the log adapter 'sent' while a channel has no real provider configured."""

    list_display = ["delivered_at", "channel", "to_address", "subject"]
    list_filter = ["channel"]
    search_fields = ["to_address", "text"]

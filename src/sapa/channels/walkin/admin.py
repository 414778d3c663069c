from django.contrib import admin

from sapa.channels.walkin.models import Visit
from sapa.core.read_only_admin import ReadOnlyModelAdmin


@admin.register(Visit)
class VisitAdmin(ReadOnlyModelAdmin):
    list_display = ["created_at", "location", "customer", "outcome", "logged_by", "kiosk"]
    list_filter = ["outcome", "location"]

from django.contrib import admin

from sapa.channels.voice.models import CallRecord, Department, VoiceLine, VoiceWebhook


@admin.register(VoiceLine)
class VoiceLineAdmin(admin.ModelAdmin):
    list_display = ("name", "number", "provider", "team", "is_active")
    exclude = ("auth_token",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "phone_number", "queue_name", "team", "is_active")


@admin.register(CallRecord)
class CallRecordAdmin(admin.ModelAdmin):
    list_display = ("call_sid", "line", "caller", "outcome", "started_at", "duration_seconds")
    search_fields = ("call_sid", "caller")
    readonly_fields = [f.name for f in CallRecord._meta.fields]


@admin.register(VoiceWebhook)
class VoiceWebhookAdmin(admin.ModelAdmin):
    list_display = ("kind", "call_sid", "status", "received_at")
    list_filter = ("status", "kind")
    readonly_fields = [f.name for f in VoiceWebhook._meta.fields]

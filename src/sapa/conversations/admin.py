from django.contrib import admin

from sapa.conversations.models import Attachment, Message, OutboxItem, Ticket


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    fields = ("direction", "channel", "author_kind", "text", "delivery_status", "created_at")
    readonly_fields = ("direction", "channel", "author_kind", "text", "delivery_status",
                       "created_at")  # fmt: skip
    can_delete = False
    show_change_link = True


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: tickets change through the console and the API, where the rules and the
    audit trail live."""

    list_display = ["number", "subject", "status", "priority", "origin_channel", "customer",
                    "team", "assignee", "last_activity_at"]  # fmt: skip
    list_filter = ["status", "priority", "origin_channel", "team"]
    search_fields = ["number", "subject", "customer__name"]
    list_select_related = ["customer", "team", "assignee"]
    raw_id_fields = ["customer", "assignee", "follow_up_of"]
    readonly_fields = ["number", "created_at", "first_response_at", "solved_at", "closed_at"]
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "ticket", "direction", "channel", "author_kind", "delivery_status",
                    "created_at"]  # fmt: skip
    list_filter = ["direction", "channel", "delivery_status"]
    raw_id_fields = ["ticket", "author_agent", "author_customer"]
    list_select_related = ["ticket"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["filename", "content_type", "size_bytes", "message"]
    raw_id_fields = ["message"]


@admin.register(OutboxItem)
class OutboxItemAdmin(admin.ModelAdmin):
    list_display = ["message", "channel", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status", "channel"]
    raw_id_fields = ["message"]

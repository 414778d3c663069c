from django.contrib import admin

from sapa.conversations.models import Attachment, Message, OutboxItem, Ticket
from sapa.core.read_only_admin import (
    ReadOnlyModelAdmin,
    ReadOnlyStackedInline,
)


class MessageInline(ReadOnlyStackedInline):
    model = Message
    extra = 0
    fields = ("direction", "channel", "author_kind", "text", "delivery_status", "created_at")
    readonly_fields = ("direction", "channel", "author_kind", "text", "delivery_status",
                       "created_at")  # fmt: skip
    can_delete = False
    show_change_link = True


@admin.register(Ticket)
class TicketAdmin(ReadOnlyModelAdmin):
    list_display = ["number", "subject", "status", "priority", "origin_channel", "customer",
                    "team", "assignee", "last_activity_at"]  # fmt: skip
    list_filter = ["status", "priority", "origin_channel", "team"]
    search_fields = ["number", "subject", "customer__name"]
    list_select_related = ["customer", "team", "assignee"]
    raw_id_fields = ["customer", "assignee", "follow_up_of"]
    readonly_fields = ["number", "created_at", "first_response_at", "solved_at", "closed_at"]
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "ticket", "direction", "channel", "author_kind", "delivery_status",
                    "created_at"]  # fmt: skip
    list_filter = ["direction", "channel", "delivery_status"]
    raw_id_fields = ["ticket", "author_agent", "author_customer"]
    list_select_related = ["ticket"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyModelAdmin):
    list_display = ["filename", "content_type", "size_bytes", "message"]
    raw_id_fields = ["message"]


@admin.register(OutboxItem)
class OutboxItemAdmin(ReadOnlyModelAdmin):
    list_display = ["message", "channel", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status", "channel"]
    raw_id_fields = ["message"]

"""Chat widgets (one per site that embeds the chat) and the visitors who talk through them."""

import secrets

from django.db import models

from sapa.accounts.models import Team
from sapa.core import clock

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def new_widget_key() -> str:
    return "wk_" + secrets.token_urlsafe(18)


def new_visitor_id() -> str:
    return secrets.token_hex(16)


class ChatWidget(models.Model):
    """The chat on one site: its public key (the script tag's data-sapa-key), the origins
    allowed to embed it, its look, its pre-chat form and who answers it."""

    key = models.CharField(max_length=40, unique=True, default=new_widget_key)
    name = models.CharField(max_length=100)
    # Origins allowed to embed the widget, one per line ("https://tokobuku.example"); the
    # site's own origin is always allowed. Empty: only the site's own.
    allowed_origins = models.TextField(blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=80, blank=True)
    title_en = models.CharField(max_length=80, blank=True)
    colour = models.CharField(max_length=7, default="#0f766e")
    # Which pre-chat fields to ask: any of "name", "email", "whatsapp".
    prechat_fields = models.JSONField(default=list, blank=True)
    prechat_required = models.BooleanField(default=False)
    # Weekly opening hours (sapa.core.business_hours); empty: the bot settings' hours.
    business_hours = models.CharField(max_length=300, blank=True)
    bot_enabled = models.BooleanField(default=True)
    max_upload_bytes = models.PositiveIntegerField(default=DEFAULT_MAX_UPLOAD_BYTES)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name

    def origins(self) -> list[str]:
        return [o.strip().rstrip("/").lower() for o in self.allowed_origins.split() if o.strip()]


class ChatVisitor(models.Model):
    """One browser that opened a widget. `public_id` is its chat identity (kept in the
    visitor's signed token); the customer is created with its first message."""

    widget = models.ForeignKey(ChatWidget, on_delete=models.CASCADE, related_name="visitors")
    public_id = models.CharField(max_length=40, unique=True, default=new_visitor_id)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The conversation the widget shows: continued until it is closed.
    current_ticket = models.ForeignKey(
        "conversations.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the visitor wrote in the pre-chat form (unverified: never used to look anyone up).
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    lang = models.CharField(max_length=2, default="id")
    page_url = models.CharField(max_length=1000, blank=True)
    page_title = models.CharField(max_length=300, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # The newest outbound message the visitor has seen, and the newest of the visitor's the
    # agents have seen (read receipts both ways).
    visitor_read_up_to = models.BigIntegerField(default=0)
    agent_read_up_to = models.BigIntegerField(default=0)
    last_seen_at = models.DateTimeField(default=clock.now)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [
            models.Index(fields=["current_ticket"], name="chat_visitor_ticket_idx"),
            models.Index(fields=["customer"], name="chat_visitor_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.name or self.public_id[:8]

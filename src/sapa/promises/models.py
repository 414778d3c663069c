from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sapa.conversations.models import Message, Ticket
from sapa.core import clock
from sapa.customers.models import Customer


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


class Promise(models.Model):
    """What an agent promised a customer on a ticket, and by when ("Buku dikirim ulang,
    sampai besok 17:00"). The worker reminds the owner before `due_at`, asks at `due_at`
    whether it was kept, and sends `follow_up_text` to the customer at `follow_up_at`.

    The three *_at stamps the worker sets are its claims: each step happens once, for the
    one worker whose conditional UPDATE set the stamp.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="promises")
    # The ticket's customer, kept here so the customer panel lists promises of all their
    # tickets with one indexed query.
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="promises")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_promises"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.CharField(max_length=500)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=PromiseStatus.choices, default=PromiseStatus.OPEN
    )
    remind_before_minutes = models.PositiveIntegerField(default=60)
    # due_at - remind_before_minutes, stored so the worker's scan is one indexed range.
    remind_at = models.DateTimeField()
    # When the reminder step was done: sent, or not needed (the owner made the promise
    # inside the reminder window themself).
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    due_notified_at = models.DateTimeField(null=True, blank=True)
    # Empty: no follow-up message to the customer.
    follow_up_text = models.TextField(blank=True)
    follow_up_at = models.DateTimeField(null=True, blank=True)
    # Set when the follow-up was handled: sent (follow_up_message) or skipped (the reason).
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)
    follow_up_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    follow_up_skipped = models.CharField(max_length=300, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [
            models.Index(fields=["status", "remind_at"], name="promise_status_remind_idx"),
            models.Index(fields=["status", "due_at"], name="promise_status_due_idx"),
            models.Index(fields=["status", "follow_up_at"], name="promise_status_follow_up_idx"),
            models.Index(fields=["customer", "status", "due_at"], name="promise_customer_idx"),
            models.Index(fields=["owner", "status", "due_at"], name="promise_owner_idx"),
            models.Index(fields=["ticket", "status"], name="promise_ticket_idx"),
            models.Index(fields=["status", "resolved_at"], name="promise_resolved_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.due_at:%Y-%m-%d %H:%M})"

"""Consent per channel and purpose, and the outreach queue: every message Sapa sends to a
customer on its own initiative (thank-you, review request, survey, delay notice)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sapa.conversations.models import Message, Ticket
from sapa.core import clock
from sapa.customers.models import Customer


class Purpose(models.TextChoices):
    # About something the customer has with the shop (a late parcel): no consent needed.
    SERVICE = "service", _("Service messages")
    # Asking how it went (CSAT, CES).
    FEEDBACK = "feedback", _("Surveys")
    # Thank-you with a promo code, review requests, win-back, NPS.
    MARKETING = "marketing", _("Promotions")


class Consent(models.Model):
    """What a customer said about messages of one purpose on one channel. No row means the
    default of SAPA_MARKETING_CONSENT; the Events keep every change with who and how."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(max_length=16)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    granted = models.BooleanField()
    # How we learned it: "unsubscribe_link", "list_unsubscribe", "keyword", "agent", "api".
    source = models.CharField(max_length=32)
    changed_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "channel", "purpose"], name="consent_customer_channel_purpose"
            ),
        ]

    def __str__(self) -> str:
        state = "granted" if self.granted else "withdrawn"
        return f"{self.customer_id} {self.channel}/{self.purpose} {state}"


class OutreachStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


class Outreach(models.Model):
    """One message planned for a customer. `dedupe_key` names what it is about
    ("thank_you:order:12"), so planning the same thing twice yields one message."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="outreach")
    kind = models.CharField(max_length=32)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    dedupe_key = models.CharField(max_length=200, unique=True)
    # Asked for by the planner (empty: the customer's best channel); then the one used.
    channel = models.CharField(max_length=16, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    # Sent as a reply on this ticket (a survey about it); otherwise a new ticket is opened.
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="outreach"
    )
    send_after = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=OutreachStatus.choices, default=OutreachStatus.PLANNED
    )
    # Why it was skipped, cancelled or failed, or postponed last.
    reason = models.CharField(max_length=300, blank=True)
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    meta = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "outreach"
        indexes = [
            models.Index(
                fields=["send_after"],
                condition=models.Q(status="planned"),
                name="outreach_due_idx",
            ),
            models.Index(fields=["customer", "-sent_at"], name="outreach_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.dedupe_key

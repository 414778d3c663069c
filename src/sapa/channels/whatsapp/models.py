"""WhatsApp business numbers, every webhook delivery as it arrived, and the message
templates Meta approved for each number's business account."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Team
from sapa.core import clock

DEFAULT_GRAPH_BASE_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v21.0"


class WhatsAppAccount(models.Model):
    """One WhatsApp business phone number on the Cloud API: the ids Meta gave it, the
    credentials Sapa calls the Graph API and checks webhooks with, and the team its new
    tickets go to. The access token, app secret and verify token are never shown back in
    full once saved."""

    name = models.CharField(max_length=100)
    # Meta's id of the phone number: webhooks name it in metadata.phone_number_id, and
    # messages are sent through POST /{phone_number_id}/messages.
    phone_number_id = models.CharField(max_length=64, unique=True)
    # The WhatsApp Business Account (WABA) id: its message templates are listed from it.
    business_account_id = models.CharField(max_length=64)
    display_phone_number = models.CharField(max_length=32, blank=True)
    # A system user's permanent token (whatsapp_business_messaging and _management).
    access_token = models.TextField()
    # The Meta app's secret: webhooks are signed with it (X-Hub-Signature-256).
    app_secret = models.CharField(max_length=200)
    # What the webhook set-up handshake must present (hub.verify_token).
    verify_token = models.CharField(max_length=200)
    # Configurable so that tests (and a proxy, if a shop needs one) can stand in for Meta.
    graph_base_url = models.CharField(max_length=300, default=DEFAULT_GRAPH_BASE_URL)
    api_version = models.CharField(max_length=16, default=DEFAULT_API_VERSION)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    templates_synced_at = models.DateTimeField(null=True, blank=True)
    last_sync_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.display_phone_number or self.phone_number_id})"

    @property
    def graph_root(self) -> str:
        """`https://graph.facebook.com/v21.0`: every Graph API path goes under it."""
        return f"{self.graph_base_url.rstrip('/')}/{self.api_version.strip('/')}"


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", _("Waiting to be processed")
    PROCESSED = "processed", _("Processed")
    QUARANTINED = "quarantined", _("Quarantined")
    IGNORED = "ignored", _("Ignored")
    DISCARDED = "discarded", _("Discarded")


class WhatsAppWebhookDelivery(models.Model):
    """One signed POST from Meta, kept byte for byte whatever became of it: what the worker
    processes, what a quarantined delivery is processed again from, and the original an
    admin can open. A delivery Meta sends again (same bytes) is kept once."""

    status = models.CharField(max_length=16, choices=DeliveryStatus.choices)
    # Why it was quarantined or ignored, and what processing could not take in.
    reason = models.TextField(blank=True)
    body = models.BinaryField()
    # SHA-256 of the body: a retried delivery is recognised without reading bodies.
    body_sha256 = models.CharField(max_length=64, unique=True)
    size_bytes = models.PositiveIntegerField()
    # Which app secret signed it (an account holding that secret), for routing its changes.
    signed_by = models.ForeignKey(
        WhatsAppAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    messages_taken = models.PositiveIntegerField(default=0)
    statuses_taken = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    received_at = models.DateTimeField(default=clock.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["status", "-received_at"], name="wa_delivery_status_idx"),
            models.Index(fields=["-received_at", "-id"], name="wa_delivery_received_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.status} #{self.pk}"


class TemplateStatus(models.TextChoices):
    APPROVED = "APPROVED", _("Approved")
    PENDING = "PENDING", _("Pending review")
    REJECTED = "REJECTED", _("Rejected")
    PAUSED = "PAUSED", _("Paused")
    DISABLED = "DISABLED", _("Disabled")
    OTHER = "OTHER", _("Other")


class WhatsAppTemplate(models.Model):
    """A message template of the account's business account, as Meta last listed it. Only
    approved ones can be sent; they are what an agent may send once the customer's 24-hour
    window has closed."""

    UNSUPPORTED = {
        "media_header": _("needs a media header"),
        "header_variable": _("needs a header variable"),
        "button_variable": _("needs a button variable"),
        "other_component": _("has parts Sapa cannot fill"),
    }

    account = models.ForeignKey(WhatsAppAccount, on_delete=models.CASCADE, related_name="templates")
    name = models.CharField(max_length=512)
    language = models.CharField(max_length=16)
    category = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=16, choices=TemplateStatus.choices)
    # Meta's id of the template.
    external_id = models.CharField(max_length=64, blank=True)
    components = models.JSONField(default=list, blank=True)
    # The body's variables in order: ["1", "2"] for {{1}} {{2}}, or their names for
    # templates with named parameters.
    parameter_names = models.JSONField(default=list, blank=True)
    # Why it cannot be offered even when approved (a key of UNSUPPORTED), "" when it can.
    unsupported_reason = models.CharField(max_length=32, blank=True)
    rejected_reason = models.CharField(max_length=200, blank=True)
    synced_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "name", "language"], name="wa_template_unique"
            )
        ]
        indexes = [models.Index(fields=["account", "status"], name="wa_template_status_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    @property
    def parameter_count(self) -> int:
        return len(self.parameter_names)

    @property
    def body_text(self) -> str:
        for component in self.components:
            if isinstance(component, dict) and str(component.get("type", "")).upper() == "BODY":
                return str(component.get("text", ""))
        return ""

    @property
    def unsupported_label(self) -> str:
        return str(self.UNSUPPORTED.get(self.unsupported_reason, self.unsupported_reason))

    @property
    def is_sendable(self) -> bool:
        return self.status == TemplateStatus.APPROVED and not self.unsupported_reason

"""Phone lines, the departments a call can be put through to, where the phone menu's
hand-off entries go, every call's record, and the provider's webhook requests as received."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Agent, Team
from sapa.core import clock

# TwiML <Record transcribe="true"> transcribes recordings of at most two minutes.
MAX_VOICEMAIL_SECONDS = 120


def new_line_key() -> str:
    return "vl_" + secrets.token_urlsafe(12)


class Provider(models.TextChoices):
    # Twilio, or any provider that speaks TwiML and signs its requests the same way.
    TWILIO = "twilio", _("Twilio (TwiML)")


class VoiceLanguage(models.TextChoices):
    INDONESIAN = "id-ID", _("Indonesian")
    ENGLISH = "en-US", _("English")


class Department(models.Model):
    """Who a caller can be put through to: a phone number (a desk, a hunt group) or a
    provider queue that agents take calls from."""

    name = models.CharField(max_length=100, unique=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # E.164; dialled with <Dial><Number>.
    phone_number = models.CharField(max_length=20, blank=True)
    # The provider's queue the caller waits in (<Enqueue>) when there is no number.
    queue_name = models.CharField(max_length=64, blank=True)
    ring_seconds = models.PositiveSmallIntegerField(default=25)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VoiceLine(models.Model):
    """One phone number of the shop at a provider: how its requests are checked, whose
    hours it keeps, where its calls go and what it says."""

    # Names the line in its webhook addresses (/hooks/voice/<key>/...).
    key = models.CharField(max_length=40, unique=True, default=new_line_key)
    name = models.CharField(max_length=100)
    provider = models.CharField(max_length=16, choices=Provider.choices, default=Provider.TWILIO)
    # E.164, as the provider sends it in `To`.
    number = models.CharField(max_length=20, unique=True)
    # The provider's auth token: the key of the requests' signatures. Never shown back.
    auth_token = models.CharField(max_length=200)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The hours (and holidays) the line is answered; none: the default SLA calendar, and
    # without one, around the clock.
    calendar = models.ForeignKey(
        "sla.BusinessCalendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where "talk to a person" and every fallback goes; none: voicemail.
    default_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(
        max_length=8, choices=VoiceLanguage.choices, default=VoiceLanguage.INDONESIAN
    )
    # Said before the menu (the shop's own words; English used for English callers).
    greeting = models.CharField(max_length=300, blank=True)
    greeting_en = models.CharField(max_length=300, blank=True)
    voicemail_max_seconds = models.PositiveSmallIntegerField(default=MAX_VOICEMAIL_SECONDS)
    transcribe_voicemail = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def greeting_in(self, lang: str) -> str:
        return self.greeting_en if lang == "en" and self.greeting_en else self.greeting


class RouteKind(models.TextChoices):
    DIAL = "dial", _("Put through to a department")
    VOICEMAIL = "voicemail", _("Voicemail")


class MenuRoute(models.Model):
    """Where a hand-off entry of the phone menu sends the caller. Without one, the entry's
    team's department, then the line's default department, then voicemail."""

    node = models.OneToOneField(
        "bot.MenuNode", on_delete=models.CASCADE, related_name="voice_route"
    )
    kind = models.CharField(max_length=16, choices=RouteKind.choices, default=RouteKind.DIAL)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="routes"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.node_id} -> {self.kind}"


class CallDirection(models.TextChoices):
    INBOUND = "inbound", _("Incoming")
    OUTBOUND = "outbound", _("Outgoing")


class CallOutcome(models.TextChoices):
    IN_PROGRESS = "", _("In progress")
    ANSWERED = "answered", _("Answered")
    MISSED = "missed", _("Missed")
    VOICEMAIL = "voicemail", _("Voicemail")
    ABANDONED = "abandoned", _("Abandoned")


class CallRecord(models.Model):
    """One call: who, on which line, the way it took through the menu, who took it, how it
    ended. Its message on the caller's ticket (channel phone) shows the same in the
    timeline. Calls an agent logs by hand have no line and a `manual:` call id."""

    call_sid = models.CharField(max_length=64, unique=True)
    line = models.ForeignKey(
        VoiceLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    direction = models.CharField(
        max_length=16, choices=CallDirection.choices, default=CallDirection.INBOUND
    )
    # The customer's number in E.164; "" when it was hidden.
    caller = models.CharField(max_length=32, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket = models.ForeignKey(
        "conversations.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        "conversations.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The keys pressed through the menu, in order ("1", "3"...).
    ivr_path = models.JSONField(default=list, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "id" or "en": the language the call is spoken in.
    lang = models.CharField(max_length=2, default="id")
    # The provider's last CallStatus (completed, no-answer, busy, failed...).
    provider_status = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(
        max_length=16, choices=CallOutcome.choices, default=CallOutcome.IN_PROGRESS, blank=True
    )
    started_at = models.DateTimeField(default=clock.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    recording_url = models.URLField(max_length=500, blank=True)
    recording_sid = models.CharField(max_length=64, blank=True)
    recording_seconds = models.PositiveIntegerField(null=True, blank=True)
    transcript = models.TextField(blank=True)
    # What an agent wrote about a call they logged by hand.
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["line", "-started_at"], name="voice_call_line_idx"),
            models.Index(fields=["ticket"], name="voice_call_ticket_idx"),
            models.Index(fields=["customer", "-started_at"], name="voice_call_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.call_sid

    @property
    def is_manual(self) -> bool:
        return self.call_sid.startswith("manual:")


class WebhookStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    FAILED = "failed", _("Failed")


class VoiceWebhook(models.Model):
    """A signed request from the provider, kept as it came (never dropped), with what
    became of it. Requests with a bad signature are refused and not kept."""

    line = models.ForeignKey(VoiceLine, on_delete=models.CASCADE, related_name="webhooks")
    kind = models.CharField(max_length=20)
    call_sid = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=16, choices=WebhookStatus.choices, default=WebhookStatus.RECEIVED
    )
    reason = models.TextField(blank=True)
    received_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [
            models.Index(fields=["call_sid"], name="voice_webhook_call_idx"),
            models.Index(fields=["status", "-received_at"], name="voice_webhook_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.call_sid}"

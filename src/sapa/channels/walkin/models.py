"""Where customers walk in (stores, kiosks, stands), the self-service devices there, and
the visits logged."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Team
from sapa.core import clock


class LocationKind(models.TextChoices):
    STORE = "store", _("Store")
    KIOSK = "kiosk", _("Kiosk / booth")
    EVENT = "event", _("Event stand")


class StoreLocation(models.Model):
    """A place customers come to in person."""

    # Short and stable (it is in kiosk requests and reports): "JKT-GI", "BDG-01".
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=8, choices=LocationKind.choices, default=LocationKind.STORE)
    address = models.TextField(blank=True)
    # Where tickets of its visits go (the store's own team, or the back office).
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who keeps the promises a store clerk makes there (clerks cannot follow them up).
    follow_up_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class KioskDevice(models.Model):
    """A self-service tablet or a store's till system that logs visits of one location
    through the API (POST /api/v1/walkin/visits) with its own token. Only the token's
    SHA-256 is stored; the token is shown once."""

    location = models.ForeignKey(StoreLocation, on_delete=models.CASCADE, related_name="kiosks")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=24)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["location", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class VisitOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved on the spot")
    FOLLOW_UP = "follow_up", _("Follow-up needed")
    COMPLAINT = "complaint", _("Complaint")


class Visit(models.Model):
    """One logged visit: the inbound message it became, where, what came of it, and who
    logged it (a person, or a kiosk)."""

    location = models.ForeignKey(StoreLocation, on_delete=models.PROTECT, related_name="visits")
    message = models.OneToOneField(
        "conversations.Message", on_delete=models.CASCADE, related_name="walkin_visit"
    )
    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=16, choices=VisitOutcome.choices)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kiosk = models.ForeignKey(
        KioskDevice, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    promise = models.ForeignKey(
        "promises.Promise", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [
            models.Index(fields=["location", "-created_at"], name="walkin_visit_location_idx"),
            models.Index(fields=["logged_by", "-created_at"], name="walkin_visit_logged_by_idx"),
            models.Index(fields=["customer", "-created_at"], name="walkin_visit_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"visit {self.pk} at {self.location_id}"

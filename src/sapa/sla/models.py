from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sapa.conversations.models import Priority, Ticket
from sapa.core import clock

DEFAULT_HOURS = "mon-sat 08:00-17:00"


class Zone(models.TextChoices):
    """Indonesia's three time zones, stored by their everyday names."""

    WIB = "WIB", _("WIB (Western Indonesia, Asia/Jakarta)")
    WITA = "WITA", _("WITA (Central Indonesia, Asia/Makassar)")
    WIT = "WIT", _("WIT (Eastern Indonesia, Asia/Jayapura)")


ZONE_NAMES = {Zone.WIB: "Asia/Jakarta", Zone.WITA: "Asia/Makassar", Zone.WIT: "Asia/Jayapura"}


class BusinessCalendar(models.Model):
    """When the desk works: weekly hours in one zone, minus the calendar's holidays."""

    name = models.CharField(max_length=120, unique=True)
    zone = models.CharField(max_length=4, choices=Zone.choices, default=Zone.WIB)
    # Weekly hours in the sapa.core.business_hours format; empty: around the clock.
    hours = models.CharField(max_length=300, blank=True, default=DEFAULT_HOURS)
    # The calendar of policies that name none, and of the demo; at most one.
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="sla_one_default_calendar"
            )
        ]

    def __str__(self) -> str:
        return self.name


class HolidayKind(models.TextChoices):
    NATIONAL = "national", _("National holiday")
    CUTI_BERSAMA = "cuti_bersama", _("Collective leave (cuti bersama)")
    COMPANY = "company", _("Company holiday")


class Holiday(models.Model):
    """A date on which the calendar's desk is closed all day (while `is_active`)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField()
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=HolidayKind.choices)
    # Imported from the `holidays` package; a re-import never overrides a switched-off one.
    from_package = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_holiday_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class SlaPolicy(models.Model):
    """Targets per priority for the tickets that match its conditions. The first active
    policy by position whose conditions a ticket meets applies to it."""

    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="policies"
    )
    # Customer segment: the customer carries at least one of these tags; empty: anyone.
    customer_tags = models.JSONField(default=list, blank=True)
    # The ticket came in on one of these channels; empty: any channel.
    channels = models.JSONField(default=list, blank=True)
    # Business minutes before a target is due when the agents are warned.
    warn_before_minutes = models.PositiveIntegerField(default=30)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class SlaMetric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class SlaTarget(models.Model):
    """A policy's targets for one priority, in business minutes; empty: no target."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(max_length=16, choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.policy} {self.priority}"

    def minutes_for(self, metric: str) -> int | None:
        value: int | None = getattr(self, f"{metric}_minutes")
        return value


class SlaOutcome(models.TextChoices):
    RUNNING = "", _("Not decided yet")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    # Stopped because its policy no longer sets a target for the ticket's priority.
    CANCELLED = "cancelled", _("No longer applies")


class SlaClock(models.Model):
    """One run of one target on one ticket: running, paused (no due time) or stopped.

    Times are business seconds of the clock's calendar. `elapsed_seconds` is what ran before
    `running_since`; the due time is recomputed from what remains whenever the clock runs.
    Rows whose `breached_at` is set are the breach record for reports.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_clocks")
    metric = models.CharField(max_length=16, choices=SlaMetric.choices)
    # 1 for the first clock of the metric on the ticket; next responses count up.
    run = models.PositiveIntegerField(default=1)
    policy = models.ForeignKey(
        SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="clocks"
    )
    calendar = models.ForeignKey(
        BusinessCalendar, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_seconds = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    elapsed_seconds = models.PositiveIntegerField(default=0)
    running_since = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    # When the warning is due (business time before `due_at`).
    warn_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=16, choices=SlaOutcome.choices, default=SlaOutcome.RUNNING, blank=True
    )
    # The time of the last ticket event applied; older events are not applied again.
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "metric", "run"], name="sla_clock_unique_run")
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="sla_clock_due_idx",
                condition=Q(running_since__isnull=False),
            ),
            models.Index(
                fields=["warn_at"],
                name="sla_clock_warn_idx",
                condition=Q(running_since__isnull=False, warned_at__isnull=True),
            ),
            models.Index(fields=["breached_at"], name="sla_clock_breached_idx"),
            models.Index(fields=["stopped_at"], name="sla_clock_stopped_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} #{self.run} on {self.ticket_id}"

    @property
    def is_running(self) -> bool:
        return self.running_since is not None

    @property
    def is_paused(self) -> bool:
        return self.running_since is None and self.stopped_at is None

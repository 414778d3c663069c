from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sapa.conversations.models import Ticket
from sapa.core import clock


class RuleKind(models.TextChoices):
    # Evaluated on new and re-opened tickets, in position order; the first match decides.
    ROUTING = "routing", _("Routing rule")
    # Runs on chosen events; every matching trigger runs, in position order.
    TRIGGER = "trigger", _("Trigger")
    # Time-based, run by the worker every few minutes over the tickets it could concern.
    SCHEDULED = "scheduled", _("Timed rule")


class Rule(models.Model):
    """One rule the desk wrote: when (kind and events), if (conditions), then (actions).

    `conditions` and `actions` are stored as JSON and read through
    sapa.automations.definitions, which validates them on the way in (actions.save_rule)
    and parses them on the way out.
    """

    kind = models.CharField(max_length=16, choices=RuleKind.choices)
    name = models.CharField(max_length=120)
    # Order within its kind, lowest first.
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    # Triggers: the events it runs on ("ticket.created", "message.received", ...).
    events = models.JSONField(default=list, blank=True)
    # {"match": "all" | "any", "items": [{"field": ..., "op": ..., "value": ...}]}
    conditions = models.JSONField(default=dict, blank=True)
    # [{"type": ..., "value": ..., "text": ..., "secret": ...}]
    actions = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "position", "pk"]
        indexes = [models.Index(fields=["kind", "is_active", "position"], name="rule_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"

    @property
    def label(self) -> str:
        """The actor label of what this rule does ("trigger:12"); loops are recognised by it."""
        prefix = {RuleKind.ROUTING: "routing", RuleKind.TRIGGER: "trigger"}.get(
            RuleKind(self.kind), "timed"
        )
        return f"{prefix}:{self.pk}"


class RunOutcome(models.TextChoices):
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Failed")


class AutomationRun(models.Model):
    """One rule run on one ticket. `run_key` is unique, and the row is inserted before the
    rule acts: two workers handed the same event never both run it."""

    rule = models.ForeignKey(Rule, null=True, on_delete=models.SET_NULL, related_name="runs")
    # Kept for the record when the rule is deleted.
    rule_name = models.CharField(max_length=120)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="automation_runs")
    # The event that triggered it; for timed rules, the one that began the ticket's current
    # status (0: its status since it was created).
    event_id = models.BigIntegerField(null=True, blank=True)
    # "<rule>:<event>" for triggers and routing, "<rule>:<ticket>:<marker>" for timed rules.
    run_key = models.CharField(max_length=120, unique=True)
    at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=RunOutcome.choices)
    # {"actions": [{"type": ..., "ok": bool, "detail": ...}]} or {"reason": ...}
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["ticket", "at"], name="automationrun_ticket_idx"),
            models.Index(fields=["rule", "-at"], name="automationrun_rule_idx"),
            # Timed rules skip the tickets they ran on in their current status period.
            models.Index(fields=["rule", "ticket", "event_id"], name="automationrun_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.run_key} {self.outcome}"

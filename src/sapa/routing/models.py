from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Team
from sapa.core import clock


class AssignmentPolicy(models.TextChoices):
    MANUAL = "manual", _("Manual (agents pick from the queue)")
    ROUND_ROBIN = "round_robin", _("Round-robin")
    LEAST_LOADED = "least_loaded", _("Least loaded")
    SKILLS = "skills", _("Best skill match")


class TeamRouting(models.Model):
    """How a team hands out its tickets. A team without a row is manual."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="routing")
    policy = models.CharField(
        max_length=16, choices=AssignmentPolicy.choices, default=AssignmentPolicy.MANUAL
    )
    # A ticket nobody in the team could take for this long moves to `overflow_team`.
    overflow_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overflow_after_minutes = models.PositiveIntegerField(default=0)
    # When an agent goes offline (or is deactivated), their open tickets are routed again.
    reassign_when_offline = models.BooleanField(default=True)
    # Round-robin's place: the agent who got the previous ticket.
    last_assigned_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.team}: {self.policy}"


class RoutingState(models.TextChoices):
    QUEUED = "queued", _("Waiting for an agent")
    ASSIGNED = "assigned", _("Assigned")
    MANUAL = "manual", _("Handled by hand")


class TicketRouting(models.Model):
    """A ticket's place in routing: what it needs, whether it waits, and why it went where."""

    ticket = models.OneToOneField(
        "conversations.Ticket", on_delete=models.CASCADE, related_name="routing"
    )
    state = models.CharField(
        max_length=16, choices=RoutingState.choices, default=RoutingState.QUEUED
    )
    # Skill name -> lowest level accepted, from the routing rule that matched.
    required_skills = models.JSONField(default=dict, blank=True)
    rule_name = models.CharField(max_length=200, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    # Why it went where it went, rendered in the reader's language by routing.explain:
    # {"policy": "skills", "agent": "Rina", "skills": {"pembayaran": 4}, "load": 3,
    # "capacity": 5, "channel": "chat"} -> "Rina: keahlian pembayaran, 3/5 chat".
    explanation = models.JSONField(default=dict, blank=True)
    # The ticket.created / ticket.reopened event routing last handled (a task that runs
    # twice routes once).
    routed_event_id = models.BigIntegerField(null=True, blank=True)
    overflowed_from = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["state", "queued_at"], name="routing_queue_idx")]

    def __str__(self) -> str:
        return f"routing of ticket {self.ticket_id}: {self.state}"

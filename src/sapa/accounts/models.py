from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sapa.core import clock


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENT = "agent", _("Agent")
    # Logs shop visits on the walk-in screen and sees nothing else of the console.
    CLERK = "clerk", _("Store clerk")


class Presence(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """Something an agent is good at: pembayaran, retur, teknis, bahasa-inggris."""

    name = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agent(AbstractUser):
    """A person who works in Sapa. Django's user model, with the support-desk profile."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)
    teams = models.ManyToManyField(Team, blank=True, related_name="agents")
    language = models.CharField(max_length=8, default="id")
    # Concurrent conversations per channel, e.g. {"chat": 5, "email": 20}.
    capacity = models.JSONField(default=dict, blank=True)
    # When an open console last said it is there (websocket connect and heartbeat): agents
    # seen in the last few minutes count as online for the chat.
    console_seen_at = models.DateTimeField(null=True, blank=True)
    # Whether routing may give them tickets: only online agents get new ones.
    presence = models.CharField(max_length=8, choices=Presence.choices, default=Presence.OFFLINE)
    presence_changed_at = models.DateTimeField(null=True, blank=True)
    # True when inactivity (not the agent) set the presence: activity turns it back online.
    presence_automatic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.get_username()


class AgentSkill(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="agents")
    level = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "skill"], name="agentskill_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.skill} {self.level}"


class ApiToken(models.Model):
    """A bearer token for the HTTP API. Only its SHA-256 is stored; the token is shown once."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

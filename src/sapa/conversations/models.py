from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Team
from sapa.channels.kinds import Channel
from sapa.core import clock
from sapa.core.models import Tag
from sapa.customers.models import Customer


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# Sort rank for priority ordering (urgent first).
PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class Ticket(models.Model):
    number = models.BigIntegerField(unique=True)
    subject = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=TicketStatus.choices, default=TicketStatus.NEW)
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.NORMAL)
    # PRIORITY_RANK[priority], kept beside it by the actions so lists can sort and page by it.
    priority_rank = models.PositiveSmallIntegerField(default=2)
    origin_channel = models.CharField(max_length=16, choices=Channel.choices)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    custom_fields = models.JSONField(default=dict, blank=True)
    # A ticket opened by a customer writing again after their earlier ticket was closed.
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField()
    # What inbox lists sort by: the latest message, note or change.
    last_activity_at = models.DateTimeField()
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["-last_activity_at", "-id"], name="ticket_activity_idx"),
            models.Index(
                fields=["status", "-last_activity_at", "-id"], name="ticket_status_activity_idx"
            ),
            models.Index(
                fields=["status", "priority_rank", "-last_activity_at", "-id"],
                name="ticket_status_priority_idx",
            ),
            models.Index(fields=["status", "created_at", "id"], name="ticket_status_age_idx"),
            models.Index(
                fields=["assignee", "status", "-last_activity_at"], name="ticket_assignee_idx"
            ),
            models.Index(fields=["team", "status", "-last_activity_at"], name="ticket_team_idx"),
            models.Index(
                fields=["customer", "origin_channel", "-last_message_at"],
                name="ticket_customer_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")
    NOTE = "note", _("Internal note")


class AuthorKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    BOT = "bot", _("Bot")
    SYSTEM = "system", _("System")


class DeliveryStatus(models.TextChoices):
    NONE = "", _("Not applicable")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=16, choices=Direction.choices)
    # Empty for internal notes, which are not on any channel.
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    author_kind = models.CharField(max_length=16, choices=AuthorKind.choices)
    author_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the author wrote (for email: quoted history and signature folded away).
    text = models.TextField()
    # The folded part: quoted history and signature, shown on request.
    quoted_text = models.TextField(blank=True)
    # Sanitised with nh3 before it is stored; never the raw HTML from outside.
    html = models.TextField(blank=True)
    # Why the message counts as machine-written ("Auto-Submitted: auto-replied",
    # "out-of-office subject"); empty when a person wrote it. Such messages never trigger
    # automatic answers.
    auto_reply = models.CharField(max_length=200, blank=True)
    # Channel details worth showing (email: from, to, cc, subject, refused attachments).
    meta = models.JSONField(default=dict, blank=True)
    # The provider's id (email Message-ID, WhatsApp wamid); unique per channel.
    # NULL rather than "" for messages without one, so the unique constraint skips them.
    external_id = models.CharField(max_length=500, null=True, blank=True)  # noqa: DJ001
    to_address = models.CharField(max_length=320, blank=True)
    delivery_status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.NONE, blank=True
    )
    delivery_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=Q(external_id__isnull=False),
                name="message_channel_external_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="message_ticket_idx"),
            models.Index(fields=["external_id"], name="message_external_id_idx"),
            # Rate limits on automatic messages count what an address got lately.
            models.Index(
                fields=["to_address", "created_at"],
                name="message_outbound_to_idx",
                condition=Q(direction="outbound"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.channel} #{self.pk}"


class TicketParticipant(models.Model):
    """Someone besides the ticket's customer who takes part in it (an email's Cc): they may
    write on the ticket, and replies are copied to them."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="participants")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    # The address they were copied at, and the channel it belongs to.
    channel = models.CharField(max_length=16, choices=Channel.choices)
    address = models.CharField(max_length=320)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "channel", "address"], name="participant_unique"
            )
        ]
        indexes = [models.Index(fields=["customer", "ticket"], name="participant_customer_idx")]

    def __str__(self) -> str:
        return f"{self.address} on #{self.ticket_id}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    # Content-addressed path in the default storage (shared by identical files).
    file = models.FileField(upload_to="attachments/", max_length=300)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.filename


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class OutboxItem(models.Model):
    """An outbound message waiting for (or done with) delivery by the worker.

    Written in the same transaction as its message, so a reply is never lost between the
    database and the queue: the worker's sweep picks up items whose task went missing.
    """

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="outbox")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(
        max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"outbox {self.message_id} {self.status}"


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to you")
    MENTIONED = "mentioned", _("Mentioned you")
    CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
    SLA_WARNING = "sla_warning", _("SLA target soon due")
    SLA_BREACHED = "sla_breached", _("SLA target missed")
    PROMISE_REMINDER = "promise_reminder", _("Promise soon due")
    PROMISE_DUE = "promise_due", _("Promise due: was it kept?")
    AUTOMATION = "automation", _("Automation")


class Notification(models.Model):
    """Something an agent should look at: a ticket given to them, a mention, a reply."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    # Who caused it (empty for the customer or the system).
    actor_name = models.CharField(max_length=200, blank=True)
    # What it is about, when the kind alone does not say ("Jawaban pertama: 14:00 WIB").
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["agent", "read_at", "-created_at"], name="notification_agent_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.ticket_id} for {self.agent_id}"


class Macro(models.Model):
    """A canned reply with placeholders ({{ customer.first_name }}, {{ order.number }},
    {{ agent.name }}), edited by the agent before sending. Managed by supervisors."""

    name = models.CharField(max_length=120)
    body = models.TextField()
    language = models.CharField(max_length=8, default="id")
    # Shown to everyone when empty; otherwise to the team's agents.
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "language"], name="macro_name_language_unique")
        ]

    def __str__(self) -> str:
        return self.name

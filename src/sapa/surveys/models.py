from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sapa.conversations.models import Message, Ticket
from sapa.core import clock
from sapa.customers.models import Customer


class SurveyKind(models.TextChoices):
    CSAT = "csat", _("Customer satisfaction (CSAT)")
    NPS = "nps", _("Net promoter score (NPS)")
    CES = "ces", _("Customer effort (CES)")


# The scale of each kind, lowest and highest score.
SCALES: dict[str, tuple[int, int]] = {
    SurveyKind.CSAT: (1, 5),
    SurveyKind.NPS: (0, 10),
    SurveyKind.CES: (1, 7),
}


class AnsweredVia(models.TextChoices):
    NOT_YET = "", _("Not answered")
    LINK = "link", _("Survey page")
    CHAT = "chat", _("Reply on the conversation")


class SurveyResponse(models.Model):
    """One survey put to one customer, and their answer once they give it.

    CSAT (and the optional CES asked beside it) belongs to a ticket: one per ticket and kind.
    NPS belongs to the customer alone: one per customer and period (`period`, the first day
    of a SAPA_NPS_INTERVAL_DAYS block). The row is written when the survey is planned; the
    answer fields stay empty until the customer answers.
    """

    kind = models.CharField(max_length=8, choices=SurveyKind.choices)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="surveys")
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    # Who the answer is about: the ticket's assignee when it was solved (or the agent who
    # solved it); empty for NPS.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    # The channel the question went out on (known at planning for a ticket's CSAT, taken
    # from the outreach when an NPS is answered) and the language it was asked in.
    channel = models.CharField(max_length=16, blank=True)
    language = models.CharField(max_length=8, default="id")
    # The engagement Outreach that carries the question (its unique dedupe_key).
    outreach_key = models.CharField(max_length=200, blank=True)
    # How many times the question was planned: a ticket re-opened before its survey went
    # out is asked again, under a new key, when it is solved again.
    plan_count = models.PositiveSmallIntegerField(default=1)
    # NPS: the first day of the interval block this survey counts for ("2026-01-14").
    period = models.CharField(max_length=10, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    # classify(comment).label: positive, neutral or negative; empty without a comment.
    comment_sentiment = models.CharField(max_length=8, blank=True)
    answered_via = models.CharField(
        max_length=8, choices=AnsweredVia.choices, default=AnsweredVia.NOT_YET, blank=True
    )
    # The customer's message that carried an answer typed on the conversation.
    answer_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    # The low-score follow-up: set once, by whoever created it (the claim that makes it
    # happen exactly once); the promise it made (empty when nobody could take it).
    follow_up_at = models.DateTimeField(null=True, blank=True)
    follow_up_promise = models.ForeignKey(
        "promises.Promise", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind"],
                condition=Q(ticket__isnull=False),
                name="survey_one_per_ticket_kind",
            ),
            models.UniqueConstraint(
                fields=["customer", "period"],
                condition=Q(kind="nps"),
                name="survey_one_nps_per_period",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True)
                | Q(kind="csat", score__gte=1, score__lte=5)
                | Q(kind="nps", score__lte=10)
                | Q(kind="ces", score__gte=1, score__lte=7),
                name="survey_score_on_scale",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "answered_at"], name="survey_kind_answered_idx"),
            models.Index(fields=["agent", "kind", "answered_at"], name="survey_agent_idx"),
            models.Index(fields=["customer", "kind", "-created_at"], name="survey_customer_idx"),
            models.Index(fields=["answered_at", "follow_up_at"], name="survey_follow_up_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.score})"

    @property
    def scale(self) -> tuple[int, int]:
        return SCALES[self.kind]


class Rating(models.TextChoices):
    GOOD = "good", _("Good")
    INDIFFERENT = "indifferent", _("Indifferent")
    BAD = "bad", _("Bad")


class Experience(models.Model):
    """How a finished (solved) ticket went for the customer, by the rule table in
    docs/surveys.md: from the CSAT answer, the comment's sentiment, SLA breaches and
    re-opens. Recomputed when the ticket is solved or re-opened and when the survey is
    answered."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="experience")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="experiences")
    rating = models.CharField(max_length=12, choices=Rating.choices)
    # Rule codes that decided it, e.g. ["csat_low"], ["breach", "reopened"].
    reasons = models.JSONField(default=list, blank=True)
    csat_score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment_sentiment = models.CharField(max_length=8, blank=True)
    sla_breached = models.BooleanField(default=False)
    reopen_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["customer", "-computed_at"], name="experience_customer_idx"),
            models.Index(fields=["rating", "computed_at"], name="experience_rating_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rating} #{self.ticket_id}"

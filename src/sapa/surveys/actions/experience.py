"""Rating each finished experience (a solved ticket) good, bad or indifferent.

The rule table (docs/surveys.md), first match wins:

1. bad: CSAT <= 2, or the comment is negative, or an SLA target was missed *and* the
   ticket was re-opened; with no answer, also re-opened twice or more;
2. good: CSAT >= 4 and no SLA target missed;
3. good: no answer, no SLA target missed, never re-opened;
4. indifferent: anything else (CSAT 3; CSAT >= 4 with a missed target; no answer with one
   missed target or one re-open).

Re-opens are the ticket's "ticket.reopened" events, less those caused by the customer
answering the survey with a score in the conversation.
"""

from dataclasses import dataclass

from django.db import transaction

from sapa.conversations.models import Ticket
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.sla.models import SlaClock
from sapa.surveys.actions.sending import csat_skip_reason
from sapa.surveys.models import Experience, Rating, SurveyKind, SurveyResponse


@dataclass(frozen=True)
class ExperienceFacts:
    csat_score: int | None
    comment_sentiment: str  # positive, neutral, negative, or "" without a comment
    sla_breached: bool
    reopen_count: int


def rate(facts: ExperienceFacts) -> tuple[Rating, list[str]]:
    """The rating and the codes of the rules that decided it (pure: no database)."""
    reopened = facts.reopen_count > 0
    bad = []
    if facts.csat_score is not None and facts.csat_score <= 2:
        bad.append("csat_low")
    if facts.comment_sentiment == "negative":
        bad.append("comment_negative")
    if facts.sla_breached and reopened:
        bad.append("breached_and_reopened")
    if facts.csat_score is None and facts.reopen_count >= 2:
        bad.append("reopened_repeatedly")
    if bad:
        return Rating.BAD, bad
    if facts.csat_score is not None:
        if facts.csat_score >= 4 and not facts.sla_breached:
            return Rating.GOOD, ["csat_high"]
        if facts.csat_score >= 4:
            return Rating.INDIFFERENT, ["csat_high", "sla_breached"]
        return Rating.INDIFFERENT, ["csat_middle"]
    if not facts.sla_breached and not reopened:
        return Rating.GOOD, ["no_answer_smooth"]
    return Rating.INDIFFERENT, ["sla_breached" if facts.sla_breached else "reopened"]


def experience_facts(ticket: Ticket) -> ExperienceFacts:
    """What the rating is made of, read from the database (four queries)."""
    csat = (
        SurveyResponse.objects.filter(ticket=ticket, kind=SurveyKind.CSAT)
        .values("score", "comment_sentiment")
        .first()
    )
    breached = SlaClock.objects.filter(ticket=ticket, breached_at__isnull=False).exists()
    return ExperienceFacts(
        csat_score=csat["score"] if csat else None,
        comment_sentiment=csat["comment_sentiment"] if csat else "",
        sla_breached=breached,
        reopen_count=reopen_count(ticket),
    )


def reopen_count(ticket: Ticket) -> int:
    """The ticket's re-opens, less those caused by a survey answered with a score in the
    conversation (the reopen and its message.received are written together, at one time)."""
    reopens = list(
        Event.objects.filter(
            subject_type="ticket", subject_id=ticket.pk, verb="ticket.reopened"
        ).values_list("at", flat=True)
    )
    if not reopens:
        return 0
    answer_messages = list(
        SurveyResponse.objects.filter(answer_message__ticket_id=ticket.pk).values_list(
            "answer_message_id", flat=True
        )
    )
    if not answer_messages:
        return len(reopens)
    caused = set(
        Event.objects.filter(
            subject_type="ticket",
            subject_id=ticket.pk,
            verb="message.received",
            after__message_id__in=answer_messages,
        ).values_list("at", flat=True)
    )
    return sum(1 for at in reopens if at not in caused)


def recompute_experience(ticket: Ticket, *, actor: Actor) -> Experience | None:
    """Rate the ticket again and store it. Only tickets that were solved at least once (or
    have a rating already) are rated. An "experience.rated" Event when the rating changes.
    Idempotent."""
    existing = Experience.objects.filter(ticket=ticket).first()
    if existing is None and ticket.solved_at is None:
        return None
    if existing is None and csat_skip_reason(ticket):
        return None
    facts = experience_facts(ticket)
    rating, reasons = rate(facts)
    values = {
        "customer_id": ticket.customer_id,
        "rating": rating,
        "reasons": reasons,
        "csat_score": facts.csat_score,
        "comment_sentiment": facts.comment_sentiment,
        "sla_breached": facts.sla_breached,
        "reopen_count": facts.reopen_count,
        "computed_at": clock.now(),
    }
    with transaction.atomic():
        experience, _created = Experience.objects.update_or_create(ticket=ticket, defaults=values)
        before = existing.rating if existing else ""
        if before != rating:
            record_event(
                actor,
                "experience.rated",
                ticket,
                before={"rating": before} if before else {},
                after={"rating": rating, "reasons": reasons},
            )
    return experience

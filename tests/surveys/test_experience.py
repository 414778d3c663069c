"""Each finished experience is rated good, bad or indifferent by the rule table of
docs/surveys.md, stored per ticket and rated again when the facts change."""

import pytest

from sapa.conversations.actions import set_status
from sapa.conversations.models import TicketStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.sla.models import SlaClock, SlaMetric
from sapa.surveys import actions
from sapa.surveys.actions import Answer
from sapa.surveys.actions.experience import ExperienceFacts, rate
from sapa.surveys.models import Experience, Rating, SurveyKind, SurveyResponse
from tests.builders import inbound
from tests.surveys.conftest import later

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


@pytest.mark.parametrize(
    ("csat", "sentiment", "breached", "reopens", "rating", "reasons"),
    [
        (1, "", False, 0, Rating.BAD, ["csat_low"]),
        (2, "positive", False, 0, Rating.BAD, ["csat_low"]),
        (5, "negative", False, 0, Rating.BAD, ["comment_negative"]),
        (4, "neutral", True, 1, Rating.BAD, ["breached_and_reopened"]),
        (1, "negative", True, 1, Rating.BAD,
         ["csat_low", "comment_negative", "breached_and_reopened"]),
        (5, "positive", False, 0, Rating.GOOD, ["csat_high"]),
        (4, "", False, 3, Rating.GOOD, ["csat_high"]),
        (4, "neutral", True, 0, Rating.INDIFFERENT, ["csat_high", "sla_breached"]),
        (3, "", False, 0, Rating.INDIFFERENT, ["csat_middle"]),
        (None, "", False, 0, Rating.GOOD, ["no_answer_smooth"]),
        (None, "", True, 0, Rating.INDIFFERENT, ["sla_breached"]),
        (None, "", False, 1, Rating.INDIFFERENT, ["reopened"]),
        (None, "", False, 2, Rating.BAD, ["reopened_repeatedly"]),
        (None, "", True, 1, Rating.BAD, ["breached_and_reopened"]),
    ],
)  # fmt: skip
def test_the_rule_table(csat, sentiment, breached, reopens, rating, reasons):
    facts = ExperienceFacts(
        csat_score=csat, comment_sentiment=sentiment, sla_breached=breached, reopen_count=reopens
    )
    assert rate(facts) == (rating, reasons)


def _breach(ticket):
    now = clock.now()
    SlaClock.objects.create(
        ticket=ticket,
        metric=SlaMetric.FIRST_RESPONSE,
        target_seconds=3600,
        started_at=now,
        breached_at=now,
        changed_at=now,
    )


def test_the_rating_is_stored_and_follows_the_facts(ticket, rina):
    """Solved smoothly: good; a breach and a re-open make it bad; the CSAT answer is
    read too. Each change of rating writes one experience.rated Event."""
    ticket = set_status(ticket, status=TicketStatus.SOLVED, actor=Actor.for_agent(rina))
    experience = actions.recompute_experience(ticket, actor=SYSTEM)
    assert experience is not None
    assert (experience.rating, experience.reasons) == (Rating.GOOD, ["no_answer_smooth"])
    # when a target was missed and the customer wrote again
    _breach(ticket)
    with later(hours=1):
        inbound("masih belum beres", ticket_id=ticket.pk)
    ticket.refresh_from_db()
    experience = actions.recompute_experience(ticket, actor=SYSTEM)
    assert experience is not None
    assert (experience.rating, experience.sla_breached, experience.reopen_count) == (
        Rating.BAD,
        True,
        1,
    )
    # recomputing without a change writes nothing new
    actions.recompute_experience(ticket, actor=SYSTEM)
    assert Experience.objects.count() == 1
    ratings = [e.after["rating"] for e in Event.objects.filter(verb="experience.rated")]
    assert ratings == [Rating.GOOD, Rating.BAD]


def test_a_negative_comment_is_stored_with_its_sentiment_and_rates_the_experience(ticket, rina):
    ticket = set_status(ticket, status=TicketStatus.SOLVED, actor=Actor.for_agent(rina))
    survey = SurveyResponse.objects.create(
        kind=SurveyKind.CSAT, customer_id=ticket.customer_id, ticket=ticket, agent=rina
    )
    actions.answer_survey(
        survey,
        Answer(score=4, comment="pelayanannya lambat dan tidak membantu, kecewa"),
        actor=Actor.customer("test"),
    )
    survey.refresh_from_db()
    assert survey.comment_sentiment == "negative"
    experience = Experience.objects.get(ticket=ticket)
    assert (experience.rating, experience.csat_score, experience.comment_sentiment) == (
        Rating.BAD,
        4,
        "negative",
    )


def test_tickets_never_solved_and_alerts_are_not_rated(ticket, rina):
    assert actions.recompute_experience(ticket, actor=SYSTEM) is None
    assert not Experience.objects.exists()

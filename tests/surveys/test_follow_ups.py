"""A low score gives the team lead exactly one follow-up: a promise on the ticket, due at the
end of the next business day, in the lead's language, and a notification."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from django.db import connection

from sapa.accounts.models import Role
from sapa.conversations.models import Notification, NotificationKind, Ticket
from sapa.core.actors import Actor
from sapa.core.event_dispatch import suppressed
from sapa.promises.models import Promise
from sapa.surveys import actions
from sapa.surveys.actions import Answer
from sapa.surveys.actions.follow_ups import lead_for, next_business_day_end
from sapa.surveys.links import survey_path
from sapa.surveys.models import SurveyKind, SurveyResponse
from tests.factories import AgentFactory, CustomerFactory, TeamFactory
from tests.surveys.conftest import WIB, csat_of, later, solve

CUSTOMER = Actor.customer("test")

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_a_low_csat_gives_the_team_lead_one_follow_up_also_when_changed_again(
    client, ticket, rina, sari
):
    """CSAT 2 with a comment: one promise owned by the team's supervisor, in English (her
    language), due Wednesday 17:00 (the next business day's closing time), and a
    notification; changing the score to 1 and back to 5 makes no second one."""
    # given
    solve(ticket, rina)
    survey = csat_of(ticket)
    # when
    client.post(survey_path(survey), {"score": "2", "comment": "Paketnya   rusak"})
    with later(hours=1):
        client.post(survey_path(survey), {"score": "1", "comment": "Paketnya rusak parah"})
    with later(hours=2):
        client.post(survey_path(survey), {"score": "5", "comment": "sudah diganti"})
    # then
    [promise] = Promise.objects.all()
    assert promise.ticket_id == ticket.pk
    assert promise.owner_id == sari.pk
    assert promise.text == "Follow up low CSAT (2/5): Paketnya rusak"
    assert promise.due_at == datetime(2026, 11, 25, 17, 0, tzinfo=WIB)
    survey.refresh_from_db()
    assert survey.follow_up_promise_id == promise.pk
    [notification] = Notification.objects.filter(agent=sari)
    assert notification.kind == NotificationKind.AUTOMATION
    assert notification.ticket_id == ticket.pk
    assert notification.detail == promise.text


@pytest.mark.django_db(transaction=True)
def test_a_good_score_makes_no_follow_up(client, ticket, rina, sari):
    solve(ticket, rina)
    client.post(survey_path(csat_of(ticket)), {"score": "3"})
    assert not Promise.objects.exists()


def test_running_the_follow_up_twice_makes_one_promise(ticket, rina, sari):
    survey = SurveyResponse.objects.create(
        kind=SurveyKind.CSAT, customer_id=ticket.customer_id, ticket=ticket, agent=rina
    )
    actions.answer_survey(survey, Answer(score=1, comment="kecewa"), actor=CUSTOMER)
    first = actions.follow_up_low_score(survey.pk)
    second = actions.follow_up_low_score(survey.pk)
    assert first is not None
    assert second is None
    assert Promise.objects.count() == 1


def test_a_low_nps_follows_up_on_the_customers_latest_ticket_or_a_new_one(ticket, rina, sari):
    """NPS 6 is a detractor: the follow-up goes on the customer's open ticket; a customer
    without one gets a new ticket, opened for the team."""
    admin = AgentFactory(username="admin", role=Role.ADMIN)
    nps = SurveyResponse.objects.create(
        kind=SurveyKind.NPS, customer_id=ticket.customer_id, period="2026-10-28"
    )
    actions.answer_survey(nps, Answer(score=6), actor=CUSTOMER)
    promise = actions.follow_up_low_score(nps.pk)
    assert promise is not None
    assert (promise.ticket_id, promise.owner_id) == (ticket.pk, sari.pk)
    assert promise.text == "Follow up low NPS (6/10)"
    # a customer with no ticket at all
    lonely = CustomerFactory()
    other = SurveyResponse.objects.create(kind=SurveyKind.NPS, customer=lonely, period="2026-10-28")
    actions.answer_survey(other, Answer(score=0, comment="tidak akan beli lagi"), actor=CUSTOMER)
    promise = actions.follow_up_low_score(other.pk)
    assert promise is not None
    new_ticket = Ticket.objects.get(pk=promise.ticket_id)
    assert new_ticket.customer_id == lonely.pk
    # not routed yet (no team): the first supervisor, who sees the shared queue
    assert promise.owner_id == sari.pk
    assert admin.pk != sari.pk


def test_the_lead_is_the_teams_supervisor_then_any_supervisor_then_an_admin(ticket, rina):
    assert lead_for(ticket) is None
    admin = AgentFactory(username="boss", role=Role.ADMIN)
    assert lead_for(ticket) == admin
    # a supervisor of another team cannot see the ticket, so is skipped
    elsewhere = AgentFactory(username="lain", role=Role.SUPERVISOR)
    elsewhere.teams.add(TeamFactory(name="Retur", slug="retur"))
    assert lead_for(ticket) == admin
    lead = AgentFactory(username="lead", role=Role.SUPERVISOR)
    lead.teams.add(ticket.team)
    assert lead_for(ticket) == lead


def test_nobody_to_follow_up_is_recorded_once(ticket, rina):
    survey = SurveyResponse.objects.create(
        kind=SurveyKind.CSAT, customer_id=ticket.customer_id, ticket=ticket, agent=rina
    )
    actions.answer_survey(survey, Answer(score=1), actor=CUSTOMER)
    assert actions.follow_up_low_score(survey.pk) is None
    survey.refresh_from_db()
    assert survey.follow_up_at is not None
    assert not Promise.objects.exists()


def test_the_next_business_day_skips_sundays(ticket):
    """Saturday afternoon: Sunday is closed (Mon-Sat 08:00-17:00), so Monday 17:00."""
    saturday = datetime(2026, 11, 28, 15, 0, tzinfo=WIB)
    assert next_business_day_end(ticket, saturday) == datetime(2026, 11, 30, 17, 0, tzinfo=WIB)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_make_one_follow_up(ticket, rina, sari):
    """The follow-up task run by two workers at the same moment (each with its own
    connection and transaction) makes one promise."""
    with suppressed():  # the handler would make it first; here the workers race for it
        survey = SurveyResponse.objects.create(
            kind=SurveyKind.CSAT, customer_id=ticket.customer_id, ticket=ticket, agent=rina
        )
        actions.answer_survey(survey, Answer(score=1, comment="kecewa"), actor=CUSTOMER)
    start = threading.Barrier(2)

    def worker(_index: int) -> bool:
        try:
            start.wait(timeout=10)
            with later(hours=1):
                return actions.follow_up_low_score(survey.pk) is not None
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        made = list(pool.map(worker, range(2)))
    assert sorted(made) == [False, True]
    assert Promise.objects.count() == 1

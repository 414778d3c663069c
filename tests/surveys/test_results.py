"""Results: the report's aggregates on a small fixture (figures computed by hand), the
console pages and partials, and the export API."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from sapa.accounts.models import Role
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.surveys import actions
from sapa.surveys.actions import Answer
from sapa.surveys.models import SurveyKind, SurveyResponse
from sapa.surveys.queries import panel_surveys
from sapa.surveys.reports import survey_report
from tests.conftest import api_client_for
from tests.factories import AgentFactory, CustomerFactory, TeamFactory
from tests.surveys.conftest import MORNING, later, open_ticket, solve

pytestmark = pytest.mark.django_db

CUSTOMER = Actor.customer("test")


def _csat(team, agent, email, score, *, ces=None, comment=""):
    ticket = solve(open_ticket(team, agent, email=email, name=email.split("@")[0]), agent)
    survey = SurveyResponse.objects.create(
        kind=SurveyKind.CSAT,
        customer_id=ticket.customer_id,
        ticket=ticket,
        agent=agent,
        created_at=clock.now(),
    )
    return actions.answer_survey(
        survey, Answer(score=score, comment=comment, ces_score=ces), actor=CUSTOMER
    )


def _nps(score):
    survey = SurveyResponse.objects.create(
        kind=SurveyKind.NPS, customer=CustomerFactory(), period="2026-10-28"
    )
    return actions.answer_survey(survey, Answer(score=score), actor=CUSTOMER)


@pytest.fixture
def andi(team):
    agent = AgentFactory(username="andi", first_name="Andi", role=Role.AGENT)
    agent.teams.add(team)
    return agent


@pytest.fixture
def answers(team, rina, andi, settings):
    """Rina: CSAT 5, 4, 2 (CES 6, 3) this month and a 1 forty days ago; Andi: CSAT 3;
    NPS 10, 9, 9, 7, 3."""
    settings.SAPA_SURVEY_ASK_CES = True
    with later(days=-40):
        _csat(team, rina, "lama@example.com", 1)
    _csat(team, rina, "a@example.com", 5, ces=6, comment="cepat sekali, terima kasih")
    _csat(team, rina, "b@example.com", 4, ces=3)
    _csat(team, rina, "c@example.com", 2)
    _csat(team, andi, "d@example.com", 3)
    for score in (10, 9, 9, 7, 3):
        _nps(score)


def test_the_report_aggregates_per_agent_and_overall(answers, rina, andi):
    # when
    report = survey_report(MORNING - timedelta(days=30), MORNING + timedelta(seconds=1))
    open_ended = survey_report(MORNING - timedelta(days=30))
    assert (open_ended.agents, open_ended.nps) == (report.agents, report.nps)
    # then: per agent (sorted by name: Andi, Rina)
    andi_row, rina_row = report.agents
    assert andi_row.agent == andi
    assert (andi_row.csat_count, andi_row.csat_average, andi_row.satisfied_percent) == (
        1,
        3.0,
        0.0,
    )
    assert andi_row.ces_average is None
    assert rina_row.agent == rina
    assert (rina_row.csat_count, rina_row.csat_average, rina_row.satisfied_percent) == (
        3,
        3.67,
        66.7,
    )
    assert (rina_row.ces_count, rina_row.ces_average) == (2, 4.5)
    # overall: CSAT 5, 4, 2, 3
    everyone = report.everyone
    assert (everyone.csat_count, everyone.csat_average, everyone.satisfied_percent) == (
        4,
        3.5,
        50.0,
    )
    # NPS: promoters 10, 9, 9; passive 7; detractor 3 -> 60 % - 20 % = 40
    assert (report.nps.count, report.nps.promoters, report.nps.passives) == (5, 3, 1)
    assert (report.nps.detractors, report.nps.score) == (1, 40)


def test_the_report_of_one_team_leaves_other_teams_out(answers, team):
    other = TeamFactory(name="Retur", slug="retur")
    report = survey_report(MORNING - timedelta(days=30), team_id=other.pk)
    assert report.agents == []
    assert report.everyone.csat_count == 0
    assert report.nps.score == 40


def test_supervisors_see_the_report_page_and_agents_do_not(client, answers, team, rina):
    lead = AgentFactory(username="lead", role=Role.SUPERVISOR)
    client.force_login(rina)
    assert client.get("/reports/surveys/").status_code == 403
    client.force_login(lead)
    page = client.get("/reports/surveys/", {"days": 30, "team": team.pk})
    assert page.status_code == 200
    assert 'data-figure="nps">40<' in page.text
    assert 'data-figure="csat_average">3,5<' in page.text  # Indonesian decimal comma
    assert f'data-agent="{rina.pk}"' in page.text


def test_the_ticket_and_customer_partials_show_the_answers(answers, rina):
    survey = SurveyResponse.objects.get(kind=SurveyKind.CSAT, score=5)
    request = RequestFactory().get("/")
    request.user = rina
    ticket_html = render_to_string(
        "web/tickets/partials/surveys_ticket.html", {"ticket": survey.ticket}, request=request
    )
    assert 'data-score="5"' in ticket_html
    assert "cepat sekali, terima kasih" in ticket_html
    assert 'data-sentiment="positive"' in ticket_html
    assert 'data-rating="good"' in ticket_html
    panel_html = render_to_string(
        "web/customers/partials/surveys_results.html",
        {"customer": survey.customer},
        request=request,
    )
    assert "CSAT 5/5" in panel_html
    surveys = panel_surveys(survey.customer)
    assert (surveys.last_csat, surveys.last_nps, surveys.answered) == (survey, None, 1)


def test_the_export_api_pages_filters_and_respects_roles(answers, team, rina):
    admin = api_client_for(AgentFactory(username="admin", role=Role.ADMIN))
    # every response, page by page
    first = admin.get("/api/v1/surveys/responses", {"limit": 6})
    assert first.status_code == 200
    body = first.json()
    assert len(body["items"]) == 6
    rest = admin.get("/api/v1/surveys/responses", {"cursor": body["next_cursor"]}).json()
    ids = [item["id"] for item in body["items"] + rest["items"]]
    assert ids == sorted(SurveyResponse.objects.values_list("pk", flat=True))
    assert rest["next_cursor"] is None
    # filters
    nps = admin.get("/api/v1/surveys/responses", {"kind": "nps"}).json()["items"]
    assert sorted(item["score"] for item in nps) == [3, 7, 9, 9, 10]
    since = (MORNING - timedelta(days=30)).isoformat()
    mine = admin.get(
        "/api/v1/surveys/responses", {"kind": "csat", "agent_id": rina.pk, "since": since}
    ).json()["items"]
    assert sorted(item["score"] for item in mine) == [2, 4, 5]
    assert all(item["ticket_number"] for item in mine)
    # bad input names the field
    bad = admin.get("/api/v1/surveys/responses", {"kind": "stars"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "kind"]
    # agents may not export; a supervisor of another team sees NPS only
    assert api_client_for(rina).get("/api/v1/surveys/responses").status_code == 403
    outsider = AgentFactory(username="retur", role=Role.SUPERVISOR)
    outsider.teams.add(TeamFactory(name="Retur", slug="retur"))
    seen = api_client_for(outsider).get("/api/v1/surveys/responses").json()["items"]
    assert {item["kind"] for item in seen} == {"nps"}


def test_the_export_api_reads_a_page_in_a_fixed_number_of_queries(answers):
    admin = api_client_for(AgentFactory(username="admin", role=Role.ADMIN))
    admin.get("/api/v1/surveys/responses", {"limit": 1})  # warm the token cache
    counts = []
    for limit in (2, 10):
        with CaptureQueriesContext(connection) as queries:
            assert admin.get("/api/v1/surveys/responses", {"limit": limit}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_export_endpoint_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert "/api/v1/surveys/responses" in document.json()["paths"]
